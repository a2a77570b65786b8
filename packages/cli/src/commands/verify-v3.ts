import { WechatPayError } from '@wechatpay-kit/sdk';
import {
  loadPublicKey,
  PROBE_SIGNATURE_PREFIX,
  parseCertificate,
  rsaVerify,
  signedMessage,
} from '@wechatpay-kit/sdk/crypto';
import { parseCommandArgs, requireOption } from '../arg-parser.js';
import { CliError, type CliIo, ExitCode, UsageError, writeLine } from '../command.js';
import { readInput } from '../input-reader.js';

/** WeChat refuses, and so does every SDK, a signature older (or newer) than this. */
const TIMESTAMP_WINDOW_S = 300;
const REQUIRED = [
  'wechatpay-timestamp',
  'wechatpay-nonce',
  'wechatpay-signature',
  'wechatpay-serial',
] as const;

/**
 * `wxpay verify v3`: checks a captured v3 notification or answer — its `Wechatpay-*` headers over
 * the exact body bytes — and, when it fails, says which of the usual causes it is: a missing header,
 * the probe signature, a serial naming another key, a newline an editor added, a body re-serialized
 * by a parser, or simply another key.
 */
export async function runVerifyV3(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    headers: { type: 'string' },
    body: { type: 'string' },
    'public-key': { type: 'string' },
    'public-key-id': { type: 'string' },
    cert: { type: 'string' },
  });
  if (positionals.length > 1)
    throw new UsageError('verify v3 reads --headers FILE and --body FILE, nothing else');
  if ((values['public-key'] === undefined) === (values.cert === undefined)) {
    throw new UsageError(
      'give the WeChat Pay key: --public-key PEM_FILE (public-key mode) or --cert PEM_FILE',
    );
  }
  const headers = parseHeaders(
    (await readInput(requireOption(values.headers, '--headers'), io)).toString('utf8'),
  );
  const body = await readInput(requireOption(values.body, '--body'), io);
  const { key, keyId } = await wechatPayKey(values, io);

  const missing = REQUIRED.filter((name) => !headers[name]);
  if (missing.length > 0) return invalid(io, `missing header ${missing.join(', ')}`);
  const [timestamp, nonce, signature, serial] = REQUIRED.map((name) => headers[name] as string) as [
    string,
    string,
    string,
    string,
  ];
  if (signature.startsWith(PROBE_SIGNATURE_PREFIX)) {
    return invalid(
      io,
      `${PROBE_SIGNATURE_PREFIX}… is WeChat's probe signature, invalid on purpose: a client must refuse it`,
    );
  }
  if (keyId !== undefined && serial !== keyId) {
    return invalid(
      io,
      `Wechatpay-Serial is ${serial} but the key given is ${keyId}: it was signed with another key (platform certificate serials and PUB_KEY_ID_… name different keys)`,
    );
  }
  if (!rsaVerify(key, signedMessage(timestamp, nonce, body), signature)) {
    return invalid(io, mismatchDiagnosis(key, timestamp, nonce, body, signature));
  }
  writeLine(io.stdout, `valid (Wechatpay-Serial ${serial})`);
  const age = Math.round(Date.now() / 1000 - Number(timestamp));
  if (Number.isFinite(age) && Math.abs(age) > TIMESTAMP_WINDOW_S) {
    writeLine(
      io.stdout,
      `note: signed ${age} s ago; a live handler refuses more than ${TIMESTAMP_WINDOW_S} s (replay)`,
    );
  }
  return ExitCode.ok;
}

function invalid(io: CliIo, reason: string): number {
  writeLine(io.stderr, `invalid: ${reason}`);
  return ExitCode.failure;
}

/** The signature did not verify: which of the usual mistakes would explain it. */
function mismatchDiagnosis(
  key: ReturnType<typeof loadPublicKey>,
  timestamp: string,
  nonce: string,
  body: Buffer,
  signature: string,
): string {
  if (body.at(-1) === 0x0a) {
    const trimmed = body.subarray(0, body.at(-2) === 0x0d ? -2 : -1);
    if (rsaVerify(key, signedMessage(timestamp, nonce, trimmed), signature)) {
      return 'the body file ends with a newline WeChat did not sign (an editor or echo added it): keep the exact bytes received';
    }
  }
  const text = body.toString('utf8');
  try {
    if (JSON.stringify(JSON.parse(text)) !== text.trim()) {
      return 'signature does not match. The body is JSON in another layout than WeChat sends (compact): if a body parser re-serialized it, verify the raw bytes instead; otherwise the key is not the one it was signed with';
    }
  } catch {
    // not JSON: nothing more to say about its layout
  }
  return 'signature does not match: the key is not the one it was signed with, or the headers and body are not the bytes WeChat sent';
}

async function wechatPayKey(
  values: { 'public-key'?: string; 'public-key-id'?: string; cert?: string },
  io: CliIo,
): Promise<{ key: ReturnType<typeof loadPublicKey>; keyId: string | undefined }> {
  try {
    if (values.cert !== undefined) {
      const cert = parseCertificate(await readInput(values.cert, io));
      return { key: cert.publicKey, keyId: cert.serialNo };
    }
    const pem = await readInput(values['public-key'], io);
    return { key: loadPublicKey(pem), keyId: values['public-key-id'] };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `cannot read the key: ${error instanceof WechatPayError ? error.message : 'not a PEM'}`,
    );
  }
}

/**
 * Headers as captured: `Name: value` lines (curl -D, a proxy log; a status or request line is
 * skipped) or a JSON object. Names are lower-cased, as Node gives them.
 */
export function parseHeaders(text: string): Record<string, string | undefined> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new UsageError('--headers: the file starts with { but is not JSON');
    }
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).map(([name, value]) => [
        name.toLowerCase(),
        String(value),
      ]),
    );
  }
  const headers: Record<string, string> = {};
  for (const line of trimmed.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^(HTTP\/|[A-Z]+ \S+ HTTP\/)/.test(line)) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
