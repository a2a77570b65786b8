import type { HttpClient } from '../core/http-client.js';
import { nonceStr } from '../crypto/nonce.js';
import { WechatPayFormatError } from '../errors.js';
import { readV2Answer } from './v2-answer.js';
import { v2Sign } from './v2-signer.js';
import { buildV2Xml } from './xml-codec.js';

export const SANDBOX_PREFIX = '/sandboxnew';

/**
 * The sandbox signs with its own key, handed out by `getsignkey` to a request signed (MD5) with the
 * real API key. The answer itself is unsigned: its only proof is that it came over TLS from WeChat.
 */
export async function fetchSandboxSignKey(
  http: HttpClient,
  baseUrl: string,
  mchid: string,
  apiKey: string,
  timeoutMs?: number,
): Promise<string> {
  const path = `${SANDBOX_PREFIX}/pay/getsignkey`;
  const fields = { mch_id: mchid, nonce_str: nonceStr() };
  const res = await http.request({
    method: 'POST',
    url: `${baseUrl}${path}`,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body: buildV2Xml({ ...fields, sign: v2Sign(fields, apiKey, 'MD5') }),
    timeoutMs,
  });
  const answer = readV2Answer(path, res, undefined);
  if (!answer.sandbox_signkey)
    throw new WechatPayFormatError(`${path} answered SUCCESS without sandbox_signkey`);
  return answer.sandbox_signkey;
}
