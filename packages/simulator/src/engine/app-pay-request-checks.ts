import { PayRequestError } from './pay-request-error.js';
import type { MerchantRecord, SimApp, TradeRecord } from './sim-records.js';

/** What the merchant's App passes to the WeChat SDK (`PayReq`), named as the SDK names them. */
export interface AppPayRequest {
  kind: 'app';
  appid?: string;
  partnerid?: string;
  prepayid?: string;
  package?: string;
  noncestr?: string;
  timestamp?: string;
  sign?: string;
  /** The simulated user holding the phone (an App order is made for nobody in particular). */
  user?: string;
}

const REQUIRED = ['appid', 'partnerid', 'prepayid', 'package', 'noncestr', 'timestamp', 'sign'] as const;
export type AppPayParams = Required<Pick<AppPayRequest, (typeof REQUIRED)[number]>>;

export const APP_KIND_NAMES: Record<SimApp['kind'], string> = {
  'official-account': '公众号',
  'mini-program': '小程序',
  app: 'App',
};

/** Every parameter present (the first missing one named), `timestamp` in seconds. */
export function readAppPayParams(request: AppPayRequest): AppPayParams {
  for (const name of REQUIRED) {
    const value = request[name];
    if (value === undefined || value === '') {
      throw new PayRequestError('MISSING_PARAMETER', `App 支付缺少参数：${name}`);
    }
  }
  const params = Object.fromEntries(REQUIRED.map((name) => [name, request[name]])) as AppPayParams;
  if (!/^\d{1,12}$/.test(params.timestamp)) {
    throw new PayRequestError('INVALID_PARAMETER', 'timestamp 必须是以秒为单位的时间戳字符串');
  }
  return params;
}

/**
 * What WeChat's App SDK checks before it opens the pay sheet, besides the signature: the appid
 * must be an App (open platform mobile app) bound to the merchant — the SDK is registered under
 * it, so an official account's or a mini-program's appid cannot even open WeChat — and the
 * order's own appid; then `partnerid` and `package=Sign=WXPay`.
 */
export function checkAppOrder(params: AppPayParams, trade: TradeRecord, merchant: MerchantRecord): void {
  const app = merchant.apps.find((a) => a.appid === params.appid);
  if (app?.kind !== 'app') {
    const what = app
      ? `是${APP_KIND_NAMES[app.kind]}，不是移动应用`
      : `不是商户 ${merchant.mchid} 的移动应用`;
    throw new PayRequestError(
      'APPID_MISMATCH',
      `appid ${params.appid} ${what}：App 支付须使用开放平台移动应用的 AppID（WeChat SDK 以它注册）`,
    );
  }
  if (trade.tradeType !== 'APP') {
    throw new PayRequestError(
      'NOT_APP_ORDER',
      `该订单的 trade_type 是 ${trade.tradeType}，不能在 App 中调起支付`,
    );
  }
  if (params.appid !== trade.appid) {
    throw new PayRequestError(
      'APPID_MISMATCH',
      `appid 与下单时的 appid 不一致：该 prepayid 属于 ${trade.appid}，请求的是 ${params.appid}`,
    );
  }
  if (params.partnerid !== trade.mchid) {
    throw new PayRequestError('PARTNER_MISMATCH', `partnerid 应为下单商户号 ${trade.mchid}`);
  }
  if (params.package !== 'Sign=WXPay') {
    throw new PayRequestError('INVALID_PARAMETER', 'package 应为固定值 Sign=WXPay');
  }
}
