import { buildV2Xml, parseV2Xml, WechatPayError } from '@wechatpay-kit/sdk';
import { nonceStr, v2Sign, v2Verify } from '@wechatpay-kit/sdk/crypto';
import { SimError } from '../engine/sim-error.js';
import type { TradeRecord } from '../engine/sim-records.js';
import type { SimContext } from '../sim-context.js';

/** WeChat gives a merchant's scan callback 5 seconds, as it does notifications. */
const CALLBACK_TIMEOUT_MS = 5_000;
const BIZPAYURL_PREFIX = 'weixin://wxpay/bizpayurl?';
const QR_FIELDS = ['appid', 'mch_id', 'product_id', 'time_stamp', 'nonce_str'] as const;

/** Scanning reads the merchant and payer and opens the prepay the merchant's callback names. */
export type ProductScanDeps = Pick<SimContext, 'merchants' | 'trades' | 'users'>;

/**
 * Native "mode 1": a user scans a merchant's product QR code (`weixin://wxpay/bizpayurl?sign=…`).
 * WeChat checks the code's sign, asks the merchant's scan callback for an order (posting the product
 * and the payer's openid), checks the merchant's signed reply and opens the prepay it names — the
 * order the phone page then lets the user pay. Any failure is a `SimError` whose message says who
 * got what wrong: the code, the merchant's callback, or its reply.
 */
export async function scanProductQr(
  ctx: ProductScanDeps,
  bizpayurl: string,
  userId: string,
): Promise<TradeRecord> {
  const qr = parseQr(bizpayurl);
  const merchant = ctx.merchants.get(qr.mch_id);
  if (!merchant) throw new SimError('PARAM_ERROR', `二维码中的商户号 ${qr.mch_id} 不存在`);
  if (!merchant.apps.some((a) => a.appid === qr.appid)) {
    throw new SimError('PARAM_ERROR', `二维码中的 appid ${qr.appid} 未绑定商户号 ${qr.mch_id}`);
  }
  try {
    v2Verify(qr, merchant.apiKey, 'MD5');
  } catch (error) {
    const reason = error instanceof WechatPayError ? error.message : String(error);
    throw new SimError(
      'PARAM_ERROR',
      `二维码签名错误 (product QR sign does not verify with the merchant's API key: ${reason})`,
    );
  }
  if (!ctx.users.get(userId)) throw new SimError('PARAM_ERROR', `没有模拟用户 ${userId}`);
  const callbackUrl = merchant.nativeCallbackUrl;
  if (!callbackUrl) {
    throw new SimError(
      'PARAM_ERROR',
      `商户 ${merchant.mchid} 未设置扫码支付回调链接 (set nativeCallbackUrl for Native mode 1)`,
    );
  }

  const callback = {
    appid: qr.appid,
    openid: ctx.users.openid(userId, qr.appid),
    mch_id: merchant.mchid,
    is_subscribe: 'N',
    nonce_str: nonceStr(),
    product_id: qr.product_id,
  };
  const reply = await post(callbackUrl, buildV2Xml({ ...callback, sign: v2Sign(callback, merchant.apiKey) }));

  let answer: Record<string, string>;
  try {
    answer = parseV2Xml(reply);
  } catch (error) {
    throw new SimError('PARAM_ERROR', `商户回调应答不是合法的 XML: ${(error as Error).message}`);
  }
  if (answer.return_code !== 'SUCCESS') {
    throw new SimError(
      'PARAM_ERROR',
      `商户回调应答 return_code=${answer.return_code ?? '(missing)'} ${answer.return_msg ?? ''}`.trimEnd(),
    );
  }
  try {
    v2Verify(answer, merchant.apiKey, 'MD5');
  } catch (error) {
    throw new SimError('PARAM_ERROR', `商户回调应答签名错误: ${(error as Error).message}`);
  }
  if (answer.appid !== qr.appid || answer.mch_id !== merchant.mchid) {
    throw new SimError(
      'PARAM_ERROR',
      `商户回调应答的 appid/mch_id (${answer.appid}/${answer.mch_id}) 与二维码不一致`,
    );
  }
  if (answer.result_code !== 'SUCCESS') {
    throw new SimError(
      'PARAM_ERROR',
      answer.err_code_des || `商户回调应答 result_code=${answer.result_code ?? '(missing)'}`,
    );
  }
  const prepayId = answer.prepay_id;
  const trade = prepayId ? ctx.trades.lookup(prepayId) : undefined;
  if (!trade || trade.mchid !== merchant.mchid) {
    throw new SimError(
      'ORDER_NOT_EXIST',
      `商户回调应答的 prepay_id ${prepayId ?? '(missing)'} 不是该商户的订单`,
    );
  }
  return trade;
}

function parseQr(bizpayurl: string): Record<(typeof QR_FIELDS)[number] | 'sign', string> {
  if (typeof bizpayurl !== 'string' || !bizpayurl.startsWith(BIZPAYURL_PREFIX)) {
    throw new SimError('PARAM_ERROR', `不是商品二维码 (expected ${BIZPAYURL_PREFIX}sign=…&appid=…)`);
  }
  const params = new URLSearchParams(bizpayurl.slice(BIZPAYURL_PREFIX.length));
  const qr: Record<string, string> = {};
  for (const name of ['sign', ...QR_FIELDS]) {
    const value = params.get(name);
    if (!value) throw new SimError('PARAM_ERROR', `商品二维码缺少 ${name}`);
    qr[name] = value;
  }
  return qr as Record<(typeof QR_FIELDS)[number] | 'sign', string>;
}

async function post(url: string, body: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
  } catch (error) {
    const cause =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${CALLBACK_TIMEOUT_MS / 1000} s`
        : (error as Error).message;
    throw new SimError('PARAM_ERROR', `商户扫码回调失败 ${url}: ${cause}`);
  }
  const text = await response.text();
  if (!response.ok) throw new SimError('PARAM_ERROR', `商户扫码回调失败 ${url}: HTTP ${response.status}`);
  return text;
}
