/**
 * What `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` and `wx.requestPayment` take, under v2
 * and v3 alike. The key names are camelCase exactly as the client checks them; signing other
 * spellings (`appid`, `timestamp`) is the usual "支付验证签名失败". `S` is the sign type: v2's MD5
 * or HMAC-SHA256, v3's RSA.
 */
export interface JsapiPayParams<S extends string = string> {
  appId: string;
  /** Seconds, as a string. */
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=…`. */
  package: string;
  signType: S;
  paySign: string;
}

/** What the App SDK's `PayReq` takes, under v2 and v3 alike (all lower-case, `package` fixed). */
export interface AppPayParams {
  appid: string;
  /** The merchant id (`mch_id` / `mchid`). */
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  /** Seconds, as a string. */
  timestamp: string;
  sign: string;
}
