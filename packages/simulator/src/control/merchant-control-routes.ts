import type { FastifyInstance } from 'fastify';
import { h5DomainsOf } from '../engine/merchant-registry.js';
import type { MerchantRecord } from '../engine/sim-records.js';
import { merchantConfig } from '../merchant-config.js';
import type { SimContext } from '../sim-context.js';
import { badRequest, ControlError, notFound } from './control-error.js';
import { ControlInput } from './control-input.js';
import { CALLBACK_URL, H5_DOMAIN, readNewMerchant, SIGNING_MODES } from './merchant-input.js';

/** A merchant without its secrets: what a table or a log may show. */
export interface MerchantSummary {
  mchid: string;
  name: string;
  apps: { appid: string; kind: string; name: string }[];
  serialNo: string;
  publicKeyId: string;
  platformSerialNo: string;
  v3SigningMode: MerchantRecord['v3SigningMode'];
  nativeCallbackUrl?: string;
  h5Domains: string[];
  createdAt: number;
}

const PATCHABLE = ['v3SigningMode', 'nativeCallbackUrl', 'h5Domains'];

/**
 * `/_sim/merchants`: list, create (generated or supplied keys), read the full configuration a
 * client needs, and switch the settings a test flips (v3 signing mode, mode-1 callback URL, H5 domains).
 */
export function merchantControlRoutes(
  app: FastifyInstance,
  ctx: Pick<SimContext, 'merchants' | 'publicUrl'>,
): void {
  const merchantOf = (mchid: string) => {
    const merchant = ctx.merchants.get(mchid);
    if (!merchant) throw notFound(`merchant ${mchid}`);
    return merchant;
  };

  app.get('/merchants', async () => ctx.merchants.list().map(summary));

  app.post('/merchants', async (request, reply) => {
    const input = readNewMerchant(ControlInput.body(request));
    if (input.mchid && ctx.merchants.get(input.mchid)) {
      throw new ControlError(409, 'MERCHANT_EXISTS', `merchant ${input.mchid} already exists`);
    }
    for (const app of input.apps ?? []) {
      const owner = ctx.merchants.byAppid(app.appid);
      if (owner) {
        throw new ControlError(
          409,
          'APPID_TAKEN',
          `appid ${app.appid} already belongs to merchant ${owner.merchant.mchid}`,
        );
      }
    }
    const record = await ctx.merchants.create(input);
    return reply.code(201).send(merchantConfig(record, ctx.publicUrl()));
  });

  app.get<{ Params: { mchid: string } }>('/merchants/:mchid/config', async (request) =>
    merchantConfig(merchantOf(request.params.mchid), ctx.publicUrl()),
  );

  app.patch<{ Params: { mchid: string } }>('/merchants/:mchid', async (request) => {
    const { mchid } = request.params;
    merchantOf(mchid);
    const input = ControlInput.body(request);
    const unknown = input.names().filter((name) => !PATCHABLE.includes(name));
    if (unknown.length > 0) {
      throw badRequest(`cannot change ${unknown.join(', ')}; changeable: ${PATCHABLE.join(', ')}`);
    }
    const patch: Parameters<typeof ctx.merchants.update>[1] = {};
    const mode = input.choice('v3SigningMode', SIGNING_MODES);
    if (mode) patch.v3SigningMode = mode;
    if (input.names().includes('nativeCallbackUrl')) {
      // null or "" clears it: product QR scans then fail as with a merchant who never set one up
      patch.nativeCallbackUrl = input.string('nativeCallbackUrl', CALLBACK_URL);
    }
    const h5Domains = input.strings('h5Domains', H5_DOMAIN);
    if (h5Domains) patch.h5Domains = h5Domains.map((d) => d.toLowerCase());
    return summary(ctx.merchants.update(mchid, patch));
  });
}

function summary(merchant: MerchantRecord): MerchantSummary {
  return {
    mchid: merchant.mchid,
    name: merchant.name,
    apps: merchant.apps.map(({ appid, kind, name }) => ({ appid, kind, name })),
    serialNo: merchant.merchantSerialNo,
    publicKeyId: merchant.publicKeyId,
    platformSerialNo: merchant.platformSerialNo,
    v3SigningMode: merchant.v3SigningMode,
    nativeCallbackUrl: merchant.nativeCallbackUrl,
    h5Domains: h5DomainsOf(merchant),
    createdAt: merchant.createdAt,
  };
}
