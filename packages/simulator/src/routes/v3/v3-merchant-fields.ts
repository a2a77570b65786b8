import type { V3Call } from './v3-endpoint.js';
import { V3Error } from './v3-error.js';
import type { V3JsonBody } from './v3-json-body.js';

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_TRADE_NO_HINT = '6–32 characters of [0-9A-Za-z_-|*]';

/**
 * The body fields that say who acts, checked the same way by every v3 route that takes them: a
 * merchant acts only for itself (`mchid` = the signer) and only through its own apps (`appid`).
 * `orderHead` adds what every order creation (Native … codepay) names first.
 */
export const v3MerchantFields = {
  orderHead(call: V3Call, body: V3JsonBody) {
    return {
      mchid: v3MerchantFields.mchid(call, body),
      appid: v3MerchantFields.appid(call, body),
      description: body.string('description', { required: true, max: 127 }),
      outTradeNo: body.string('out_trade_no', {
        required: true,
        pattern: OUT_TRADE_NO,
        patternHint: OUT_TRADE_NO_HINT,
      }),
      attach: body.string('attach', { max: 128 }),
    };
  },

  mchid(call: V3Call, body: V3JsonBody): string {
    const mchid = body.string('mchid', { required: true, max: 32 });
    if (mchid !== call.caller.mchid) {
      throw V3Error.param(
        'mchid',
        `mchid ${mchid} in the body differs from mchid ${call.caller.mchid} in Authorization: a merchant acts only for itself`,
        'body',
        mchid,
      );
    }
    return mchid;
  },

  appid(call: V3Call, body: V3JsonBody): string {
    const appid = body.string('appid', { required: true, max: 32 });
    const apps = call.caller.merchant.apps;
    if (!apps.some((app) => app.appid === appid)) {
      throw new V3Error(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配，请检查后再试', {
        field: 'appid',
        value: appid,
        location: 'body',
        issue: `appid ${appid} is not bound to merchant ${call.caller.mchid} (its apps: ${apps.map((a) => a.appid).join(', ')})`,
      });
    }
    return appid;
  },
};
