import type { FastifyRequest } from 'fastify';

const CENSOR = '[redacted]';

/** Header and configuration paths pino censors at the top levels it serializes. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["wechatpay-signature"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/**
 * Query parameters whose value is a credential: the OAuth `code` and `state`, tokens and tickets,
 * a payment code (`auth_code`), a mini-program `js_code`. Matched after `?` or `&`, also
 * percent-encoded, so a page URL passed inside another URL (`/api/jssdk/config?url=…`) is covered.
 */
const SECRET_PARAMS = [
  'code',
  'state',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'ticket',
  'jsapi_ticket',
  'secret',
  'appsecret',
  'key',
  'api_key',
  'password',
  'js_code',
  'auth_code',
  'authCode',
  'session_key',
];
const SECRET_QUERY = new RegExp(
  `((?:[?&]|%3F|%26)(?:${SECRET_PARAMS.join('|')})(?:=|%3D))((?:(?!%26)[^&#\\s"'<>])*)`,
  'gi',
);

/**
 * Keys whose value is never logged, at any depth, compared without case, `_` or `-`: exact
 * names, and any name ending in one of the suffixes (`adminToken`, `appSecret`, `jsapiTicket`…).
 */
const SECRET_KEYS = new Set(['authorization', 'cookie', 'setcookie', 'sessionkey', 'authcode', 'jscode']);
const SECRET_SUFFIXES = [
  'secret',
  'token',
  'password',
  'apikey',
  'apiv3key',
  'privatekey',
  'privatekeypem',
  'ticket',
];

function secretKey(key: string): boolean {
  const name = key.replace(/[-_]/g, '').toLowerCase();
  return SECRET_KEYS.has(name) || SECRET_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** `text` with the value of every credential-carrying query parameter replaced. */
export function redactQuery(text: string): string {
  if (!text.includes('=') && !/%3D/i.test(text)) return text;
  return text.replace(SECRET_QUERY, `$1${CENSOR}`);
}

/**
 * A copy of `value` with secrets censored at any depth: values under secret keys, and credential
 * query parameters inside any string. Only plain objects and arrays are walked (framework objects
 * go through their serializers); untouched branches are returned as they are, so a log line
 * without secrets allocates nothing.
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactQuery(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redactDeep(item, depth + 1);
      if (redacted === item) return;
      copy ??= [...value];
      copy[i] = redacted;
    });
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const redacted =
      secretKey(key) && item !== undefined && item !== null ? CENSOR : redactDeep(item, depth + 1);
    if (redacted === item) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[key] = redacted;
  }
  return copy ?? value;
}

/**
 * The service's pino options: the request line without credentials in its query string, and every
 * logged object walked for secrets (pino's own `redact` only reaches the paths it is given).
 */
export function redactingLoggerOptions(stream?: NodeJS.WritableStream) {
  return {
    level: 'info',
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactQuery(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
    formatters: { log: (object: Record<string, unknown>) => redactDeep(object) as Record<string, unknown> },
    ...(stream ? { stream } : {}),
  };
}
