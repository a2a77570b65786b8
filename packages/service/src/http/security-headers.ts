import type { FastifyInstance } from 'fastify';

export interface SecurityHeadersOptions {
  /** Demo mode: the JSAPI page loads the stand-in WeChat app's bridge, which calls back to it. */
  wechatAppUrl?: string;
  /** An https public URL also gets `Strict-Transport-Security`. */
  publicUrl?: string;
}

/**
 * The headers every answer carries, computed once. Scripts only from this origin (no inline script,
 * no `eval`), never framed (clickjacking a pay or refund button), no MIME sniffing, and the
 * referrer cut to the origin when leaving the site — enough for WeChat's H5 domain check, while a
 * path or query string (an OAuth `code`) never leaves. Styles may be inline: the pages and
 * Swagger UI set a few, and a style cannot run code.
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): Record<string, string> {
  const simulator = options.wechatAppUrl ? ` ${new URL(options.wechatAppUrl).origin}` : '';
  const csp = [
    "default-src 'self'",
    `script-src 'self'${simulator}`,
    "script-src-attr 'none'",
    `connect-src 'self'${simulator}`,
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${simulator}`,
    "frame-ancestors 'none'",
  ].join('; ');
  const headers: Record<string, string> = {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
  if (options.publicUrl?.startsWith('https://')) {
    headers['strict-transport-security'] = 'max-age=15552000; includeSubDomains';
  }
  return headers;
}

/** Adds {@link securityHeaders} to every answer of `app`, errors and 404s included. */
export function addSecurityHeaders(app: FastifyInstance, options: SecurityHeadersOptions): void {
  const headers = securityHeaders(options);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(headers);
    return payload;
  });
}
