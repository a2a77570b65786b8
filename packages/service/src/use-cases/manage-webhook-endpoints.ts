import { randomBytes } from 'node:crypto';
import {
  type AuditContext,
  type AuditLog,
  type Clock,
  DomainError,
  type WebhookEndpoint,
  type WebhookEndpointChanges,
  type WebhookEndpointInfo,
  type WebhookEndpointStore,
  type WebhookEventType,
} from '../domain/index.js';
import { recordAudit } from './audit-trail.js';
import type { UseCaseLogger } from './use-case-deps.js';

/** How long a rotated-out secret keeps signing beside the new one. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;
/** Enabled endpoints at most: each event is one delivery per endpoint. */
export const MAX_ENABLED_WEBHOOK_ENDPOINTS = 20;

export interface ManageWebhookEndpointsDeps {
  store: WebhookEndpointStore;
  /** The environment's endpoint(s) (`WEBHOOK_URL`): listed, never changed here. */
  fixed: readonly WebhookEndpoint[];
  clock: Clock;
  logger?: UseCaseLogger;
  /** Where every change an admin makes is recorded (never the secret). */
  audit?: AuditLog;
}

export interface ManageWebhookEndpointsOptions {
  /** Plain `http://` URLs allowed (demo mode, `WEBHOOK_ALLOW_HTTP=true`); otherwise `https://` only. */
  allowHttp?: boolean;
}

/** An endpoint with its secret, in the one answer that shows it. */
export interface WebhookEndpointWithSecret {
  endpoint: WebhookEndpointInfo;
  secret: string;
}

/**
 * The admin's webhook endpoints: add one (its secret is generated and shown once), change its URL,
 * events or description, disable or enable it, and rotate its secret — the old one signs beside the
 * new one for 24 h, so the receiver can switch without missing a delivery. Endpoints are disabled,
 * never deleted: their deliveries stay in the log.
 */
export class ManageWebhookEndpoints {
  readonly #deps: ManageWebhookEndpointsDeps;
  readonly #allowHttp: boolean;

  constructor(deps: ManageWebhookEndpointsDeps, options: ManageWebhookEndpointsOptions = {}) {
    this.#deps = deps;
    this.#allowHttp = options.allowHttp ?? false;
  }

  async list(): Promise<WebhookEndpointInfo[]> {
    const fixed = this.#deps.fixed.map(({ id, url, events }) => ({
      id,
      url,
      ...(events ? { events } : {}),
      description: '环境变量 WEBHOOK_URL (environment)',
      enabled: true,
      readOnly: true,
    }));
    return [...fixed, ...(await this.#deps.store.list())];
  }

  async create(
    input: {
      url: string;
      events: readonly WebhookEventType[];
      description?: string;
    },
    by?: AuditContext,
  ): Promise<WebhookEndpointWithSecret> {
    this.#checkUrl(input.url);
    await this.#roomForOneMore();
    const secret = newSecret();
    const endpoint = await this.#deps.store.create(
      {
        id: `we_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`,
        url: input.url,
        events: [...new Set(input.events)],
        description: input.description ?? '',
        secret,
      },
      this.#deps.clock.now(),
    );
    this.#deps.logger?.info({ endpoint: endpoint.id, events: endpoint.events }, 'webhook endpoint added');
    await this.#audit(
      by,
      endpoint.id,
      `added ${endpoint.url} for ${endpoint.events?.join(', ') || 'all events'}`,
    );
    return { endpoint, secret };
  }

  async update(id: string, changes: WebhookEndpointChanges, by?: AuditContext): Promise<WebhookEndpointInfo> {
    const current = await this.#stored(id);
    if (changes.url !== undefined) this.#checkUrl(changes.url);
    if (changes.enabled === true && !current.enabled) await this.#roomForOneMore();
    const updated = await this.#deps.store.update(
      id,
      { ...changes, ...(changes.events ? { events: [...new Set(changes.events)] } : {}) },
      this.#deps.clock.now(),
    );
    if (!updated) throw notFound(id);
    this.#deps.logger?.info({ endpoint: id, changed: Object.keys(changes) }, 'webhook endpoint changed');
    await this.#audit(by, id, describeChanges(changes));
    return updated;
  }

  /** No new events go to it; its deliveries stay, and it can be enabled again. */
  disable(id: string, by?: AuditContext): Promise<WebhookEndpointInfo> {
    return this.update(id, { enabled: false }, by);
  }

  async rotateSecret(id: string, by?: AuditContext): Promise<WebhookEndpointWithSecret> {
    await this.#stored(id);
    const at = this.#deps.clock.now();
    const secret = newSecret();
    const endpoint = await this.#deps.store.rotateSecret(
      id,
      secret,
      at,
      new Date(at.getTime() + SECRET_OVERLAP_MS),
    );
    if (!endpoint) throw notFound(id);
    this.#deps.logger?.info({ endpoint: id }, 'webhook endpoint secret rotated');
    await this.#audit(by, id, 'secret rotated (the old one signs beside it for 24 h)');
    return { endpoint, secret };
  }

  #audit(by: AuditContext | undefined, id: string, detail: string): Promise<void> {
    return recordAudit(
      this.#deps.audit,
      by,
      { action: 'webhook-endpoint.change', target: `webhook endpoint ${id}`, detail },
      this.#deps.clock.now(),
    );
  }

  async #stored(id: string): Promise<WebhookEndpointInfo> {
    if (this.#deps.fixed.some((endpoint) => endpoint.id === id)) {
      throw new DomainError(
        'WEBHOOK_ENDPOINT_READ_ONLY',
        `endpoint ${id} comes from WEBHOOK_URL / WEBHOOK_SECRET: change it in the environment`,
      );
    }
    const endpoint = await this.#deps.store.find(id);
    if (!endpoint) throw notFound(id);
    return endpoint;
  }

  // Counted, then written: two admins adding the last endpoint at once may end one above the cap.
  async #roomForOneMore(): Promise<void> {
    const enabled = (await this.#deps.store.list()).filter((endpoint) => endpoint.enabled).length;
    if (enabled >= MAX_ENABLED_WEBHOOK_ENDPOINTS) {
      throw new DomainError(
        'WEBHOOK_ENDPOINT_LIMIT',
        `at most ${MAX_ENABLED_WEBHOOK_ENDPOINTS} endpoints may be enabled; disable one first`,
      );
    }
  }

  #checkUrl(text: string): void {
    const problem = urlProblem(text, this.#allowHttp);
    if (problem) throw new DomainError('WEBHOOK_URL_NOT_ALLOWED', `webhook URL ${problem}`);
  }
}

/** Why a URL cannot receive webhooks, or `undefined` when it can. */
export function urlProblem(text: string, allowHttp: boolean): string | undefined {
  if (!URL.canParse(text)) return 'is not a URL';
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be https:// (or http://)';
  if (url.protocol === 'http:' && !allowHttp) {
    return 'must be https://: plain http only with WEBHOOK_ALLOW_HTTP=true (or in demo mode)';
  }
  if (url.username || url.password) return 'must carry no user name or password: the signature authenticates';
  if (url.hash) return 'must have no #fragment';
  return undefined;
}

/** `whsec_` and 32 random bytes: what the receiver verifies `X-Wechatpay-Kit-Signature` with. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function describeChanges(changes: WebhookEndpointChanges): string {
  const parts: string[] = [];
  if (changes.url !== undefined) parts.push(`url ${changes.url}`);
  if (changes.events !== undefined) parts.push(`events ${changes.events.join(', ') || 'all'}`);
  if (changes.description !== undefined) parts.push('description');
  if (changes.enabled !== undefined) parts.push(changes.enabled ? 'enabled' : 'disabled');
  return parts.join('; ') || 'no change';
}

function notFound(id: string): DomainError {
  return new DomainError('WEBHOOK_ENDPOINT_NOT_FOUND', `no webhook endpoint ${id}`);
}
