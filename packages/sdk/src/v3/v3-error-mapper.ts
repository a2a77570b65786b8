import type { HttpResponse } from '../core/http-client.js';
import { WechatPayApiError } from '../errors.js';

const MAX_TEXT = 200;

/**
 * Turns a non-2xx (or 202) v3 answer into a {@link WechatPayApiError} keeping WeChat's `code`,
 * `message`, `detail` and `Request-ID`. Gateways in front of WeChat sometimes answer with HTML;
 * that still becomes an API error (code `HTTP_<status>`) with the start of the text, never a crash.
 */
export function v3ApiError(res: HttpResponse): WechatPayApiError {
  const requestId = res.headers['request-id'];
  const text = res.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isErrorBody(parsed)) {
    const message = typeof parsed.message === 'string' ? parsed.message : '';
    return new WechatPayApiError(`WeChat Pay answered ${res.status} ${parsed.code}: ${message}`, {
      code: parsed.code,
      status: res.status,
      ...(requestId === undefined ? {} : { requestId }),
      detail: parsed.detail,
      raw: parsed,
    });
  }
  const excerpt = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
  return new WechatPayApiError(
    `WeChat Pay answered HTTP ${res.status} without a JSON error body${excerpt ? `: ${excerpt}` : ''}`,
    {
      code: `HTTP_${res.status}`,
      status: res.status,
      ...(requestId === undefined ? {} : { requestId }),
      raw: excerpt,
    },
  );
}

function isErrorBody(value: unknown): value is { code: string; message?: unknown; detail?: unknown } {
  return (
    typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string'
  );
}
