import { readFileSync } from 'node:fs';
import type { DomainErrorCode } from '../domain/index.js';

/** The package's own version (`src/http` and `dist/http` both sit two levels below package.json). */
export const SERVICE_VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** What each error code means, for the API's readers: Chinese first, English beside it. */
const ERROR_MEANINGS: Record<DomainErrorCode, string> = {
  PRODUCT_NOT_FOUND: '商品不存在 / no such product',
  PRODUCT_UNAVAILABLE: '商品已下架或售完 / no longer sold, or sold out',
  ORDER_NOT_FOUND: '订单不存在 / no such order',
  INVALID_AMOUNT: '数量或金额无效（金额一律为整数分）/ invalid quantity or amount (amounts are integer fen)',
  INVALID_TRANSITION: '订单当前状态不允许此操作 / not allowed in the order’s current state',
  OPENID_REQUIRED: 'JSAPI、小程序订单需要买家 openid / JSAPI and mini-program orders need the payer’s openid',
  PAY_TYPE_UNSUPPORTED: '不支持的支付方式 / unsupported pay type',
  API_VERSION_NOT_CONFIGURED: '商户未配置该 API 版本 / the merchant is not configured for this API version',
  WECHAT_UNAVAILABLE:
    '微信支付拒绝或不可用，wechatCode 为微信的错误码 / WeChat Pay refused or is unavailable; wechatCode is WeChat’s code',
  WECHAT_TIMEOUT:
    '微信支付未及时答复，可用同一请求重试（orderNo 为已保存的订单）/ WeChat Pay did not answer in time; retry the same request (orderNo is the stored order)',
  NOTIFICATION_REJECTED: '通知未通过验签 / the notification did not verify',
  REFUND_EXCEEDS_PAID: '退款金额超过可退金额 / more than is left to refund',
  REFUND_CONFLICT: '同一退款单号对应不同的退款 / this refund number names another refund',
  REFUND_NOT_FOUND: '退款不存在 / no such refund',
  ORDER_NOT_REFUNDABLE: '订单当前不能退款 / the order cannot be refunded now',
  NOT_AVAILABLE:
    '此环境不提供该功能（如真实微信支付没有重发接口）/ not available here (real WeChat Pay has no resend API)',
  NOTHING_TO_RESEND: '没有可重发的通知 / nothing to resend',
  INVALID_RANGE: '时间范围无效 / invalid time range',
  IDEMPOTENCY_KEY_REUSED:
    '该 Idempotency-Key 已用于另一个请求，orderNo 为它的订单；新订单请用新键 / this Idempotency-Key was used for another request (orderNo is its order); use a new key for a new order',
  WEBHOOK_ENDPOINT_NOT_FOUND: 'webhook 地址不存在 / no such webhook endpoint',
  WEBHOOK_ENDPOINT_READ_ONLY:
    '该地址来自环境变量 WEBHOOK_URL，只能在那里修改 / this endpoint comes from WEBHOOK_URL; change it there',
  WEBHOOK_URL_NOT_ALLOWED:
    'webhook 地址须为 http(s)，生产环境须为 https，且不含用户名密码 / the URL must be http(s), https in production, without credentials',
  WEBHOOK_ENDPOINT_LIMIT: '启用的 webhook 地址已达上限 / too many enabled webhook endpoints',
  PLATFORM_NOT_CONFIGURED:
    '未配置公众号/小程序（AppSecret）/ the WeChat platform (AppSecret) is not configured',
  URL_NOT_ALLOWED: '该页面地址不在 JS-SDK 安全域名内 / the page URL is not on a JS-SDK domain',
  OAUTH_STATE_INVALID: '网页授权 state 无效或过期 / invalid or expired OAuth state',
  OAUTH_CODE_INVALID: '网页授权 code 无效、已使用或过期 / invalid, used or expired OAuth code',
  LOGIN_CODE_INVALID: 'wx.login 的 code 无效 / invalid wx.login code',
  SESSION_INVALID: '登录状态无效或过期 / invalid or expired session',
  OPENID_MISMATCH: 'openid 与登录的买家不符 / the openid is not the signed-in buyer’s',
  PRODUCT_EXISTS: '商品编号已存在 / a product with this id exists already',
  WEBHOOK_DELIVERY_NOT_FOUND: 'webhook 投递记录不存在 / no such webhook delivery',
  WEBHOOK_ENDPOINT_GONE:
    '该 webhook 地址已不在配置中，无法重发 / the webhook endpoint is no longer configured',
  INVALID_DATE: '日期无效，或该日（北京时间）尚未结束 / not a real day, or the China day has not ended',
  RECONCILIATION_NOT_FOUND: '该日尚未对账 / that day has not been reconciled',
  RECONCILIATION_RUNNING: '该日正在对账，请稍后 / that day is being reconciled right now',
  BILL_INCONSISTENT:
    '微信账单的明细与汇总行不符，稍后重试 / WeChat’s bill does not add up to its summary line; retried later',
  SIGN_IN_FAILED: '用户名或密码错误 / wrong username or password',
  USERNAME_TAKEN: '用户名已被使用 / the username is taken',
  ADMIN_USER_NOT_FOUND: '管理员账号不存在 / no such admin user',
  LAST_OWNER:
    '不能停用或降级最后一个所有者 / the last enabled owner cannot be disabled or given another role',
  PAYMENT_CODE_INVALID:
    '不是微信付款码（18 位数字，以 10–15 开头）/ not a WeChat payment code (18 digits starting with 10–15)',
};

/** The other codes an answer can carry, from request validation and the framework, with their status. */
export const REQUEST_ERRORS: Record<string, { status: number; meaning: string }> = {
  VALIDATION_FAILED: {
    status: 400,
    meaning:
      '请求参数不符合接口定义，field 为出错的字段 / the request does not match the schema; field names the input',
  },
  INVALID_JSON: { status: 400, meaning: '请求体不是有效的 JSON / the body is not valid JSON' },
  BAD_REQUEST: { status: 400, meaning: '请求格式错误 / malformed request' },
  BAD_URL: { status: 400, meaning: '路径无效 / invalid path' },
  UNAUTHORIZED: {
    status: 401,
    meaning:
      '未登录：缺少或错误的 Bearer 令牌，或会话已过期 / not signed in: missing or wrong bearer token, or the session has expired',
  },
  FORBIDDEN: { status: 403, meaning: '当前角色无此权限 / your role may not do this' },
  CSRF_TOKEN_INVALID: {
    status: 403,
    meaning:
      '用会话 Cookie 修改数据须带 X-CSRF-Token / a change made with the session cookie needs its X-CSRF-Token',
  },
  MERCHANT_API_KEY_REQUIRED: {
    status: 401,
    meaning:
      '自定金额、商户单号和 Idempotency-Key 只接受商户 API 密钥（Authorization: Bearer）/ an own amount, a merchant reference and Idempotency-Key need a merchant API key (Authorization: Bearer)',
  },
  NOT_FOUND: { status: 404, meaning: '没有这个接口 / no such route' },
  BODY_TOO_LARGE: { status: 413, meaning: '请求体过大 / the body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: '不支持的 Content-Type / unsupported Content-Type' },
  TOO_MANY_REQUESTS: {
    status: 429,
    meaning: '请求过于频繁，见 Retry-After / too many requests; see Retry-After',
  },
  INTERNAL: {
    status: 500,
    meaning: '服务内部错误（详情只在日志里）/ internal error (details only in the log)',
  },
};

/** Every error code an answer can carry, with its status and meaning: domain codes first. */
export function errorCatalogue(
  statusOf: Readonly<Record<DomainErrorCode, number>>,
): { code: string; status: number; meaning: string }[] {
  return [
    ...Object.entries(ERROR_MEANINGS).map(([code, meaning]) => ({
      code,
      status: statusOf[code as DomainErrorCode],
      meaning,
    })),
    ...Object.entries(REQUEST_ERRORS).map(([code, { status, meaning }]) => ({ code, status, meaning })),
  ];
}

export const OPENAPI_TAGS = [
  {
    name: 'checkout',
    description:
      '收银台：商品、下单、订单状态、二维码、SSE / checkout: products, orders, state, QR codes, SSE',
  },
  {
    name: 'wechat',
    description:
      '微信回调与登录：支付和退款通知、模式一扫码回调、网页授权、小程序登录、JS-SDK / WeChat callbacks and sign-in',
  },
  {
    name: 'refunds',
    description:
      '退款（权限 refund；ADMIN_TOKEN 或管理员会话）/ refunds (permission refund; ADMIN_TOKEN or an admin session)',
  },
  {
    name: 'pos',
    description:
      '门店收银：扫顾客付款码（权限 pos，或商户 API 密钥）/ in-store till: scan the customer’s payment code (permission pos, or a merchant API key)',
  },
  {
    name: 'admin',
    description:
      '管理后台：ADMIN_TOKEN（owner）或管理员会话 Cookie，按角色授权 / back office: ADMIN_TOKEN (owner) or an admin session cookie, allowed by role',
  },
  { name: 'ops', description: '运维：健康检查、Prometheus 指标 / operations: health, Prometheus metrics' },
];

/**
 * The OpenAPI document's `info`: a title a merchant recognises, how errors look, and every error
 * code with its meaning, generated from the codes the error mapper knows so the list cannot drift.
 */
export function openApiInfo(version: string, statusOf: Readonly<Record<DomainErrorCode, number>>) {
  const rows = errorCatalogue(statusOf).map(
    ({ code, status, meaning }) => `| \`${code}\` | ${status} | ${meaning} |`,
  );
  return {
    title: 'wechatpay-kit 支付服务 / payment service',
    version,
    description: [
      '商户的微信支付后端：下单（Native、JSAPI、小程序、H5、App，API v2 与 v3）、通知、退款、管理后台。金额一律为整数「分」。',
      'The merchant’s WeChat Pay backend: orders (Native, JSAPI, mini-program, H5, App; API v2 and v3), notifications, refunds, back office. Amounts are integer fen.',
      '',
      '错误答复 / error answers: `{"error": CODE, "message": …, "wechatCode"?, "orderNo"?, "retryable"?, "field"?}`',
      '',
      '| error | HTTP | 含义 / meaning |',
      '|---|---|---|',
      ...rows,
    ].join('\n'),
  };
}
