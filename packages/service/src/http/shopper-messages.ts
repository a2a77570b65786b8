/**
 * What a shopper is told when WeChat Pay refused to take an order: a short sentence, Chinese first,
 * by what the shopper can do about it. WeChat's own wording (and our error chain around it) is for
 * the merchant: it stays in the admin view and the logs.
 */
const BY_WECHAT_CODE: Record<string, string> = {
  ORDERPAID: '该订单已支付，请勿重复付款 / This order is already paid',
  ORDER_PAID: '该订单已支付，请勿重复付款 / This order is already paid',
  ORDERCLOSED: '订单已关闭，请重新下单 / This order is closed; please order again',
  ORDER_CLOSED: '订单已关闭，请重新下单 / This order is closed; please order again',
  OUT_TRADE_NO_USED: '订单已失效，请重新下单 / This order can no longer be paid; please order again',
  PREPAY_TIMEOUT: '微信支付响应超时，请稍后重试 / WeChat Pay did not answer in time; please try again',
  SYSTEMERROR: '微信支付繁忙，请稍后重试 / WeChat Pay is busy; please try again shortly',
  SYSTEM_ERROR: '微信支付繁忙，请稍后重试 / WeChat Pay is busy; please try again shortly',
  FREQUENCY_LIMITED: '操作过于频繁，请稍后重试 / Too many attempts; please try again shortly',
};

const OTHERWISE =
  '暂时无法发起微信支付，请稍后重试或联系商家 / WeChat Pay cannot take this payment now; try again later or contact the shop';

/** The shopper's sentence for a prepay WeChat refused with `code`. */
export function shopperPrepayMessage(code: string): string {
  return BY_WECHAT_CODE[code] ?? OTHERWISE;
}
