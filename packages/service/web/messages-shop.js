// What shoppers read on the checkout, JSAPI, H5 and order pages, zh-CN first and English beside it.
// The server reads this file too (src/http/shopper-messages.ts): a refused prepay's sentence has
// this one home, and the API answers WeChat's code so each page says it in its own language.

/** WeChat's refusal codes (v2 and v3 spellings) → the shopper's sentence, by what they can do. */
export const PREPAY_REASONS = {
  ORDERPAID: 'prepay.paid',
  ORDER_PAID: 'prepay.paid',
  ORDERCLOSED: 'prepay.closed',
  ORDER_CLOSED: 'prepay.closed',
  OUT_TRADE_NO_USED: 'prepay.void',
  PREPAY_TIMEOUT: 'prepay.slow',
  SYSTEMERROR: 'prepay.busy',
  SYSTEM_ERROR: 'prepay.busy',
  FREQUENCY_LIMITED: 'prepay.frequent',
  // A payment code's outcome (MICROPAY orders): why nothing was charged, or why it was reversed.
  NOTENOUGH: 'micropay.notEnough',
  NOT_ENOUGH: 'micropay.notEnough',
  AUTHCODEEXPIRE: 'micropay.codeExpired',
  AUTH_CODE_EXPIRE: 'micropay.codeExpired',
  AUTH_CODE_INVALID: 'micropay.codeInvalid',
  PAYERROR: 'micropay.cancelled',
  REVERSED_AT_DEADLINE: 'micropay.reversed',
  REVOKED: 'micropay.reversed',
};

/** The catalogue key of the sentence for a prepay WeChat refused with `code`. */
export function prepayReasonKey(code) {
  return PREPAY_REASONS[code] ?? 'prepay.otherwise';
}

export const SHOP_MESSAGES = {
  'shop.name': { 'zh-CN': 'Demo Shop', en: 'Demo Shop' },
  'shop.loading': { 'zh-CN': '加载中…', en: 'Loading…' },
  'shop.asking': { 'zh-CN': '查询中…', en: 'Asking the server…' },
  'shop.error': { 'zh-CN': '出错了：{message}', en: 'Something went wrong: {message}' },
  'shop.continue': { 'zh-CN': '继续购物 →', en: 'Shop →' },
  'shop.products': { 'zh-CN': '商品', en: 'Products' },
  'shop.apiVersion': { 'zh-CN': '微信支付 API 版本', en: 'WeChat Pay API version' },
  'shop.pay': { 'zh-CN': '微信支付', en: 'Pay' },
  'shop.creatingFor': { 'zh-CN': '正在为「{product}」下单…', en: 'Creating the order for {product}…' },
  'shop.close': { 'zh-CN': '关闭', en: 'Close' },
  'shop.pages': { 'zh-CN': '页面', en: 'Pages' },

  'micropay.notEnough': {
    'zh-CN': '余额不足，请顾客换卡或充值',
    en: 'Insufficient balance: the customer should change card or top up',
  },
  'micropay.codeExpired': {
    'zh-CN': '付款码已过期，请顾客刷新后重扫',
    en: 'The payment code expired: ask the customer to refresh it',
  },
  'micropay.codeInvalid': {
    'zh-CN': '付款码无效或已使用，请顾客刷新后重扫',
    en: 'The payment code is invalid or used: ask the customer to refresh it',
  },
  'micropay.cancelled': {
    'zh-CN': '顾客取消了支付，未扣款',
    en: 'The customer cancelled: nothing was charged',
  },
  'micropay.reversed': {
    'zh-CN': '未及时完成，已撤销（已扣款则退回）',
    en: 'Not completed in time: reversed (any charge given back)',
  },

  'nav.jsapi': { 'zh-CN': '在微信中打开 (JSAPI)', en: 'Open in WeChat (JSAPI)' },
  'nav.h5': { 'zh-CN': '手机浏览器 H5', en: 'Phone browser (H5)' },
  'nav.myOrders': { 'zh-CN': '我的订单 →', en: 'My orders →' },
  'nav.checkout': { 'zh-CN': '扫码支付 →', en: 'QR checkout →' },

  'checkout.title': { 'zh-CN': 'Demo Shop · 微信支付', en: 'Demo Shop · WeChat Pay' },
  'checkout.sub': { 'zh-CN': '微信支付 Native 扫码', en: 'WeChat Pay QR checkout' },
  'checkout.buy': { 'zh-CN': '购买', en: 'Buy' },
  'checkout.noProducts': { 'zh-CN': '暂无商品', en: 'No products' },
  'checkout.loadFailed': { 'zh-CN': '加载失败：{message}', en: 'Could not load: {message}' },
  'checkout.poster': { 'zh-CN': '海报码（模式一）', en: 'Poster QR (mode 1)' },
  'checkout.posterAlt': { 'zh-CN': '商品海报二维码', en: 'Poster QR code' },
  'checkout.posterPhone': { 'zh-CN': '在模拟微信中扫码 ↗', en: 'Scan in simulated WeChat ↗' },
  'checkout.payTitle': { 'zh-CN': '微信扫码支付', en: 'Scan to pay' },
  'checkout.qrAlt': { 'zh-CN': '微信支付二维码', en: 'WeChat Pay QR code' },
  'checkout.creating': { 'zh-CN': '正在下单…', en: 'Creating the order…' },
  'checkout.scanHint': { 'zh-CN': '请使用微信扫一扫', en: 'Scan with WeChat' },
  'checkout.left': { 'zh-CN': '剩余', en: 'Time left' },
  'checkout.waiting': { 'zh-CN': '等待支付', en: 'waiting for payment' },
  'checkout.expired': { 'zh-CN': '已过期', en: 'expired' },
  'checkout.retry': { 'zh-CN': '重试', en: 'Retry' },
  'checkout.retryFailed': { 'zh-CN': '重试失败：{message}', en: 'Retry failed: {message}' },
  'checkout.simLink': { 'zh-CN': '在模拟微信中打开 ↗', en: 'Open in simulated WeChat ↗' },
  'checkout.scanAgain': { 'zh-CN': '支付失败，可重新扫码', en: 'Payment failed; scan again' },
  'checkout.paid': { 'zh-CN': '支付成功', en: 'Paid' },
  'checkout.closed': { 'zh-CN': '已关闭', en: 'Closed' },
  'checkout.expiredClosed': { 'zh-CN': '订单已超时关闭', en: 'The order expired and was closed' },
  'checkout.transaction': {
    'zh-CN': '微信支付单号 {transactionId}',
    en: 'WeChat Pay transaction {transactionId}',
  },
  'checkout.orderLine': {
    'zh-CN': '订单号 {orderNo} · API {apiVersion}',
    en: 'Order {orderNo} · API {apiVersion}',
  },
  'checkout.continue': { 'zh-CN': '继续购物', en: 'Continue shopping' },
  'checkout.viewOrder': { 'zh-CN': '查看订单', en: 'View order' },

  'prepay.refused': { 'zh-CN': '微信支付下单失败：{reason}', en: 'WeChat Pay refused: {reason}' },
  'prepay.withCode': { 'zh-CN': '{reason}（{code}）', en: '{reason} ({code})' },
  'prepay.none': { 'zh-CN': '没有拿到预支付交易单', en: 'no prepay order came back' },
  'prepay.paid': { 'zh-CN': '该订单已支付，请勿重复付款', en: 'This order is already paid' },
  'prepay.closed': { 'zh-CN': '订单已关闭，请重新下单', en: 'This order is closed; please order again' },
  'prepay.void': {
    'zh-CN': '订单已失效，请重新下单',
    en: 'This order can no longer be paid; please order again',
  },
  'prepay.slow': {
    'zh-CN': '微信支付响应超时，请稍后重试',
    en: 'WeChat Pay did not answer in time; please try again',
  },
  'prepay.busy': { 'zh-CN': '微信支付繁忙，请稍后重试', en: 'WeChat Pay is busy; please try again shortly' },
  'prepay.frequent': {
    'zh-CN': '操作过于频繁，请稍后重试',
    en: 'Too many attempts; please try again shortly',
  },
  'prepay.otherwise': {
    'zh-CN': '暂时无法发起微信支付，请稍后重试或联系商家',
    en: 'WeChat Pay cannot take this payment now; try again later or contact the shop',
  },

  'error.WECHAT_TIMEOUT': {
    'zh-CN': '微信支付响应超时，请稍后重试',
    en: 'WeChat Pay did not answer in time; please try again',
  },
  'error.WECHAT_UNAVAILABLE': {
    'zh-CN': '暂时连不上微信支付，请稍后重试',
    en: 'WeChat Pay cannot be reached now; please try again shortly',
  },
  'error.PRODUCT_UNAVAILABLE': { 'zh-CN': '该商品已售罄或下架', en: 'This product is sold out or withdrawn' },
  'error.PRODUCT_NOT_FOUND': { 'zh-CN': '没有这个商品', en: 'No such product' },
  'error.ORDER_NOT_FOUND': { 'zh-CN': '没有这个订单', en: 'No such order' },

  'jsapi.title': { 'zh-CN': 'Demo Shop · 微信内支付 JSAPI', en: 'Demo Shop · Pay in WeChat (JSAPI)' },
  'jsapi.sub': { 'zh-CN': '微信内支付 JSAPI', en: 'Pay inside WeChat (JSAPI)' },
  'jsapi.hello': { 'zh-CN': '你好', en: 'Hello' },
  'jsapi.jssdkReady': {
    'zh-CN': 'JS-SDK：wx.config 就绪（appId {appId}，签名 {signature}…）',
    en: 'JS-SDK: wx.config ready (appId {appId}, signature {signature}…)',
  },
  'jsapi.jssdkFailed': { 'zh-CN': 'JS-SDK：{message}', en: 'JS-SDK: {message}' },
  'jsapi.openInWechat': { 'zh-CN': '请在微信中打开本页', en: 'Open this page inside WeChat' },
  'jsapi.bridgeMissing': {
    'zh-CN': '无法加载模拟器的 WeixinJSBridge',
    en: 'The simulator’s stand-in WeixinJSBridge could not be loaded',
  },
  'jsapi.confirmInWechat': {
    'zh-CN': '请在微信中确认支付 · 订单 {orderNo}',
    en: 'Confirm the payment in WeChat · order {orderNo}',
  },
  'jsapi.confirming': {
    'zh-CN': '支付确认中… · 订单 {orderNo}',
    en: 'Confirming with the server… · order {orderNo}',
  },
  'jsapi.paid': { 'zh-CN': '支付成功 · 订单 {orderNo}', en: 'Paid · order {orderNo}' },
  'jsapi.closed': { 'zh-CN': '已关闭 · 订单 {orderNo}', en: 'Closed · order {orderNo}' },
  'jsapi.cancelled': { 'zh-CN': '已取消支付 · 订单 {orderNo}', en: 'Payment cancelled · order {orderNo}' },
  'jsapi.failed': { 'zh-CN': '支付失败 · 订单 {orderNo}', en: 'Payment failed · order {orderNo}' },

  'result.confirming': { 'zh-CN': '正在确认支付结果…', en: 'Confirming the payment…' },
  'result.confirmingNote': {
    'zh-CN': '等待微信支付通知商家，请稍候',
    en: 'Waiting for WeChat Pay to tell the shop; a moment please',
  },
  'result.paid': { 'zh-CN': '支付成功', en: 'Payment successful' },
  'result.paidNote': { 'zh-CN': '商家已收到付款', en: 'The shop has received your payment' },
  'result.cancelled': { 'zh-CN': '已取消支付', en: 'Payment cancelled' },
  'result.cancelledNote': {
    'zh-CN': '订单尚未支付，可以重新支付',
    en: 'The order is not paid; you can pay again',
  },
  'result.failed': { 'zh-CN': '支付失败', en: 'Payment failed' },
  'result.failedNote': {
    'zh-CN': '订单未支付成功，可以重新支付',
    en: 'The order was not paid; you can try again',
  },
  'result.closed': { 'zh-CN': '订单已关闭', en: 'Order closed' },
  'result.closedNote': { 'zh-CN': '订单已关闭，请重新下单', en: 'The order is closed; please order again' },
  'result.orderNo': { 'zh-CN': '订单号', en: 'Order number' },
  'result.product': { 'zh-CN': '商品', en: 'Product' },
  'result.time': { 'zh-CN': '时间', en: 'Time' },
  'result.timeValue': { 'zh-CN': '{time}（北京时间）', en: '{time} (China time)' },
  'result.transaction': { 'zh-CN': '微信支付单号', en: 'WeChat Pay transaction' },
  'result.viewOrder': { 'zh-CN': '查看订单', en: 'View order' },
  'result.continue': { 'zh-CN': '继续购物', en: 'Continue shopping' },
  'result.tryAgain': { 'zh-CN': '重新支付', en: 'Try again' },

  'h5.title': { 'zh-CN': 'Demo Shop · 手机浏览器支付 H5', en: 'Demo Shop · Pay in a phone browser (H5)' },
  'h5.sub': { 'zh-CN': '手机浏览器 H5 支付', en: 'Pay from a phone’s browser (H5)' },
  'h5.opening': { 'zh-CN': '正在打开微信支付…', en: 'Opening WeChat Pay…' },

  'order.title': { 'zh-CN': 'Demo Shop · 订单', en: 'Demo Shop · Order' },
  'order.sub': { 'zh-CN': '你的订单', en: 'Your order' },
  'order.order': { 'zh-CN': '订单', en: 'Order' },
  'order.payAgain': { 'zh-CN': '重新支付', en: 'Pay again' },
  'order.noSuchOrder': { 'zh-CN': '没有这个订单', en: 'No such order' },
  'order.state.NOTPAY': {
    'zh-CN': '尚未支付——如已付款，本页会自动更新',
    en: 'Not paid yet — if you paid, this page updates by itself',
  },
  'order.state.PAID': { 'zh-CN': '支付成功', en: 'Paid' },
  'order.state.CLOSED': { 'zh-CN': '已关闭——订单不能再支付', en: 'Closed — the order can no longer be paid' },
  'order.state.PAYERROR': { 'zh-CN': '支付失败', en: 'Payment failed' },
  'order.state.USERPAYING': { 'zh-CN': '请在手机上输入密码', en: 'Enter the password on your phone' },
  'order.state.REVERSED': { 'zh-CN': '已撤销，未扣款或已退回', en: 'Reversed: not charged, or given back' },
  'order.state.REFUNDING': { 'zh-CN': '退款中', en: 'Refunding' },
  'order.state.PARTIALLY_REFUNDED': { 'zh-CN': '部分退款', en: 'Partly refunded' },
  'order.state.REFUNDED': { 'zh-CN': '已退款', en: 'Refunded' },

  'myOrders.title': { 'zh-CN': 'Demo Shop · 我的订单', en: 'Demo Shop · My orders' },
  'myOrders.sub': { 'zh-CN': '我的订单', en: 'My orders' },
  'myOrders.none': { 'zh-CN': '这台设备上还没有订单', en: 'No orders from this device yet' },
  'myOrders.state.NOTPAY': { 'zh-CN': '待支付', en: 'Not paid yet' },
  'myOrders.state.PAID': { 'zh-CN': '已支付', en: 'Paid' },
  'myOrders.state.CLOSED': { 'zh-CN': '已关闭', en: 'Closed' },
  'myOrders.state.PAYERROR': { 'zh-CN': '支付失败', en: 'Payment failed' },
  'myOrders.state.USERPAYING': { 'zh-CN': '输入密码中', en: 'Entering password' },
  'myOrders.state.REVERSED': { 'zh-CN': '已撤销', en: 'Reversed' },
  'myOrders.state.REFUNDING': { 'zh-CN': '退款中', en: 'Refunding' },
  'myOrders.state.PARTIALLY_REFUNDED': { 'zh-CN': '部分退款', en: 'Partly refunded' },
  'myOrders.state.REFUNDED': { 'zh-CN': '已退款', en: 'Refunded' },
  'myOrders.row': { 'zh-CN': '{description} · {amount} · {state}', en: '{description} · {amount} · {state}' },
};
