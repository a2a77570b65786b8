import {
  ADMIN_USER_EXAMPLE,
  AUDIT_PAGE_EXAMPLE,
  ME_EXAMPLE,
  SESSION_EXAMPLE,
} from './openapi-access-examples.js';
import {
  ADMIN_ORDER_EXAMPLE,
  NEW_ORDER_EXAMPLE,
  ORDER_DETAIL_EXAMPLE,
  PAID_ORDER_EXAMPLE,
  POS_ORDER_EXAMPLE,
  PRODUCTS_EXAMPLE,
  RECONCILIATION_DETAIL_EXAMPLE,
  RECONCILIATION_EXAMPLE,
  REFUND_EXAMPLE,
  STATS_EXAMPLE,
  WEBHOOK_DELIVERY_DETAIL_EXAMPLE,
  WEBHOOK_DELIVERY_EXAMPLE,
  WEBHOOK_ENDPOINT_EXAMPLE,
  WEBHOOK_ENDPOINT_SECRET_EXAMPLE,
} from './openapi-examples.js';

/** What the OpenAPI document says about one operation: Chinese first, English beside it. */
export interface OperationDoc {
  summary: string;
  description: string;
  /** An example answer per success status. */
  examples?: Partial<Record<number, unknown>>;
}

const WECHAT_ANSWER =
  '答复是微信要求的格式（v3：204 或 `{code, message}`；v2：XML `return_code`）；失败即让微信按其节奏重发。\n\nThe answer is in WeChat’s format (v3: 204 or `{code, message}`; v2: XML `return_code`); a failure makes WeChat resend on its schedule.';

/**
 * Every operation of the service, keyed `METHOD /path` as the document spells it. The document
 * test fails when an operation has no entry here, or an entry names no operation, so the
 * descriptions cannot drift away from the routes.
 */
export const OPERATION_DOCS: Record<string, OperationDoc> = {
  'GET /api/products': {
    summary: '商品列表 / the catalogue',
    description: '在售与已下架的商品；价格为整数分。\n\nProducts, with `available`; prices in integer fen.',
    examples: { 200: PRODUCTS_EXAMPLE },
  },
  'POST /api/orders': {
    summary: '下单并向微信预下单 / create an order and its WeChat prepay',
    description:
      '金额由服务端按商品计算，从不取自买家。按 payType 返回 codeUrl（Native）、payParams（JSAPI、小程序、App）或 h5Url（H5）。微信超时时答复 503 `WECHAT_TIMEOUT` 且带已保存的 orderNo，可用 `POST /api/orders/{orderNo}/prepay` 重试。\n\n' +
      '商户自己的系统用商户 API 密钥（`Authorization: Bearer <MERCHANT_API_KEYS 中的密钥>`）可以不给 productId，而给 `amount`（分）和 `description`，并可带 `merchantReference` 与 `Idempotency-Key` 请求头：24 小时内同一键同一请求体答复同一订单（201，`Idempotent-Replayed: true`），不同请求体答复 409 `IDEMPOTENCY_KEY_REUSED`；键按 API 密钥区分。没有有效密钥时这些字段答复 401 `MERCHANT_API_KEY_REQUIRED`。\n\n' +
      'The amount is computed from the product, never taken from a shopper. Answers codeUrl (Native), payParams (JSAPI, mini-program, App) or h5Url (H5). When WeChat is late: 503 `WECHAT_TIMEOUT` with the stored orderNo, to retry with `POST /api/orders/{orderNo}/prepay`.\n\n' +
      'The merchant’s own systems, with a merchant API key (`Authorization: Bearer <a key of MERCHANT_API_KEYS>`), may send `amount` (fen) and `description` instead of productId, a `merchantReference`, and an `Idempotency-Key` header: within 24 h the same key and body answer the same order (201, `Idempotent-Replayed: true`), another body is 409 `IDEMPOTENCY_KEY_REUSED`; keys are per API key. Without a valid key those are 401 `MERCHANT_API_KEY_REQUIRED`.',
    examples: { 201: NEW_ORDER_EXAMPLE },
  },
  'POST /api/pos/payments': {
    summary: '门店收银：扫付款码收款 / take an in-store payment with the customer’s payment code',
    description:
      '收银员（权限 pos 的管理员会话或 ADMIN_TOKEN）或商户自己的收银系统（商户 API 密钥）提交扫到的付款码（18 位，以 10–15 开头）和金额 `amount`（分）或商品。订单（MICROPAY）和持久任务先写入数据库再调用微信，立即答复 202 和订单（NOTPAY）；结果经 `GET /api/orders/{orderNo}/events` 推送：USERPAYING（顾客正在手机上输入密码）、PAID、PAYERROR（未扣款，`wechatError.code` 为微信的原因，如 NOTENOUGH、AUTHCODEEXPIRE）或 REVERSED（超时撤销：已扣款则退回，未扣款则关单）。进程在任何时刻崩溃，重启后先查单再支付或撤销。付款码不合格答复 400 `PAYMENT_CODE_INVALID`，什么也不保存。\n\n' +
      'A cashier (an admin session with the pos permission, or ADMIN_TOKEN) or the merchant’s own till system (a merchant API key) sends the scanned payment code (18 digits starting 10–15) and an `amount` (fen) or a product. The order (MICROPAY) and its durable job are stored before WeChat is called; the answer is immediate: 202 with the order (NOTPAY). The outcome comes on `GET /api/orders/{orderNo}/events`: USERPAYING (the customer is entering the password), PAID, PAYERROR (nothing charged; `wechatError.code` says why, e.g. NOTENOUGH, AUTHCODEEXPIRE) or REVERSED (reversed at the deadline: refunded if charged, closed if not). A process that dies at any moment resumes on restart: query, then pay or reverse. A malformed code is 400 `PAYMENT_CODE_INVALID` and stores nothing.',
    examples: { 202: POS_ORDER_EXAMPLE },
  },
  'GET /api/orders/{orderNo}': {
    summary: '订单状态（SSE 之外的轮询）/ an order’s state (polling, besides SSE)',
    description:
      '收银台轮询用；支付结果以此为准，不要只信前端回调。\n\nFor polling checkouts; trust this, not the page’s payment callback alone.',
    examples: { 200: PAID_ORDER_EXAMPLE },
  },
  'POST /api/orders/{orderNo}/prepay': {
    summary: '预下单失败后用同一单号重试 / retry the prepay with the same out_trade_no',
    description:
      '仅对尚未拿到预支付信息的未支付订单有效。\n\nOnly for an unpaid order that has no prepay yet.',
    examples: { 200: NEW_ORDER_EXAMPLE },
  },
  'GET /api/orders/{orderNo}/qrcode.svg': {
    summary: 'Native 订单的支付二维码（SVG）/ the order’s QR code (SVG)',
    description: '内容为微信的 code_url。\n\nEncodes WeChat’s code_url.',
  },
  'GET /api/orders/{orderNo}/qrcode.png': {
    summary: 'Native 订单的支付二维码（PNG）/ the order’s QR code (PNG)',
    description: '内容为微信的 code_url。\n\nEncodes WeChat’s code_url.',
  },
  'GET /api/orders/{orderNo}/events': {
    summary: '订单状态推送（Server-Sent Events）/ order state as Server-Sent Events',
    description:
      '连接后立即推送当前状态，之后每次变化推送一次；断线后可重连或改为轮询。\n\nThe current state at once, then every change; reconnect, or poll, after a drop.',
  },
  'GET /wechat/login': {
    summary: '公众号网页授权入口 / start WeChat web authorisation',
    description:
      '跳转到微信网页授权（snsapi_base），回来后以 Cookie 保存买家的 openid。\n\nRedirects to WeChat OAuth (snsapi_base); the buyer’s openid comes back in a session cookie.',
  },
  'GET /wechat/oauth/callback': {
    summary: '网页授权回调 / the OAuth callback',
    description:
      '用 code 换取 openid，校验 state，然后回到原页面。\n\nExchanges the code for the openid, checks state, and returns to the page.',
  },
  'GET /api/session': {
    summary: '当前登录的微信买家 / the signed-in WeChat buyer',
    description: '网页授权或小程序登录之后可用。\n\nAfter web authorisation or mini-program login.',
    examples: { 200: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', appid: 'wx2421b1c4370ec43b' } },
  },
  'GET /api/jssdk/config': {
    summary: 'wx.config 的签名 / the wx.config signature',
    description:
      '`url` 必须是当前页面地址（不含 #），且在 JS-SDK 安全域名内。\n\n`url` is the page’s address without `#…`, on a JS-SDK domain.',
    examples: {
      200: {
        appId: 'wx2421b1c4370ec43b',
        timestamp: 1764727200,
        nonceStr: 'Wm3WZYTPz0wzccnW',
        signature: '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
      },
    },
  },
  'POST /api/miniprogram/login': {
    summary: '小程序登录（wx.login 的 code）/ mini-program login with the wx.login code',
    description:
      '服务端调用 jscode2session，session_key 不出服务端；返回一个 Bearer 令牌。\n\nThe service calls jscode2session, the session_key never leaves it; answers a bearer token.',
    examples: {
      200: {
        token: 'mp.eyJvcGVuaWQiOiJvVXBGOHVNdUFKT19NMnB4YjFROXpOaldlUzZvIn0.c2lnbmF0dXJl',
        openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
        expiresAt: '2026-12-03T04:00:00.000Z',
      },
    },
  },
  'POST /api/notify/v2': {
    summary: 'v2 支付结果通知 / v2 payment notification',
    description: `用 API 密钥验签，幂等处理，核对金额。${'\n\n'}Verified with the API key, applied once, amount checked. ${WECHAT_ANSWER}`,
  },
  'POST /api/notify/v3': {
    summary: 'v3 支付结果通知 / v3 payment notification',
    description: `验签（微信支付公钥或平台证书）、AEAD_AES_256_GCM 解密，幂等处理，核对金额。${'\n\n'}Verified (public key or platform certificate), decrypted, applied once, amount checked. ${WECHAT_ANSWER}`,
  },
  'POST /api/notify/v2/refund': {
    summary: 'v2 退款结果通知 / v2 refund notification',
    description: `解密 req_info（能解密即证明来源），按退款单号幂等处理。${'\n\n'}req_info decrypted (the proof of origin), applied once per refund. ${WECHAT_ANSWER}`,
  },
  'POST /api/notify/v3/refund': {
    summary: 'v3 退款结果通知 / v3 refund notification',
    description: `验签、解密，按退款单号幂等处理。${'\n\n'}Verified, decrypted, applied once per refund. ${WECHAT_ANSWER}`,
  },
  'POST /api/admin/session': {
    summary: '管理员登录 / sign in with a username and password',
    description:
      '成功后设置 HttpOnly、SameSite=Strict（HTTPS 或生产环境下 Secure）的会话 Cookie，并答复 `csrfToken`：用 Cookie 修改数据的请求须带 `X-CSRF-Token`，否则 403 `CSRF_TOKEN_INVALID`。会话空闲 30 分钟或登录 12 小时后结束。用户名不存在与密码错误的答复和耗时相同；失败次数按客户端限流（429）。\n\nSets an HttpOnly, SameSite=Strict session cookie (Secure over HTTPS or in production) and answers `csrfToken`: every change made with the cookie must send it as `X-CSRF-Token`, else 403 `CSRF_TOKEN_INVALID`. A session ends after 30 idle minutes or 12 hours. An unknown username and a wrong password get the same answer in the same time; failures are rate limited per client (429).',
    examples: { 200: SESSION_EXAMPLE },
  },
  'DELETE /api/admin/session': {
    summary: '退出登录 / sign out',
    description:
      '立即作废服务端的会话并清除 Cookie；用 Bearer 令牌时无事可做（204）。\n\nRevokes the session on the server at once and clears the cookie; with the bearer token there is nothing to end (204).',
  },
  'GET /api/admin/me': {
    summary: '当前身份与权限 / who am I, and what may I do',
    description:
      '权限 `read`。用户名、角色和该角色的权限；用 Cookie 登录时还有 `csrfToken`（页面刷新后由此取回）。ADMIN_TOKEN 的身份为 `token`，角色 owner。\n\nPermission `read`. The username, role and that role’s permissions; signed in with the cookie, also the `csrfToken` (how a reloaded page gets it back). The ADMIN_TOKEN is `token`, role owner.',
    examples: { 200: ME_EXAMPLE },
  },
  'GET /api/admin/users': {
    summary: '管理员账号列表 / the admin users',
    description:
      '权限 `users.manage`（owner）。不含密码哈希。\n\nPermission `users.manage` (owner). Never the password hashes.',
    examples: { 200: [ADMIN_USER_EXAMPLE] },
  },
  'POST /api/admin/users': {
    summary: '新增管理员 / add an admin user',
    description:
      '权限 `users.manage`（owner）。角色 owner、operator 或 viewer；密码至少 10 个字符，以 Argon2id 哈希保存。用户名已存在答复 409 `USERNAME_TAKEN`。\n\nPermission `users.manage` (owner). Role owner, operator or viewer; the password (at least 10 characters) is stored as an Argon2id hash. A taken username is 409 `USERNAME_TAKEN`.',
    examples: { 201: ADMIN_USER_EXAMPLE },
  },
  'PATCH /api/admin/users/{id}': {
    summary: '修改角色、停用或重置密码 / change the role, disable, reset the password',
    description:
      '权限 `users.manage`（owner）。停用或重置密码会结束该用户的所有会话。最后一个启用的 owner 不能被降级或停用：409 `LAST_OWNER`。账号不会被删除（审计日志引用它）。\n\nPermission `users.manage` (owner). Disabling or resetting the password ends all of the user’s sessions. The last enabled owner cannot be demoted or disabled: 409 `LAST_OWNER`. Users are never deleted (the audit log names them).',
    examples: { 200: { ...ADMIN_USER_EXAMPLE, role: 'viewer' } },
  },
  'GET /api/admin/audit': {
    summary: '审计日志 / the audit log',
    description:
      '权限 `read`。退款、关单、重发、对账、商品与 webhook 地址的修改、账号变更、登录与退出：谁（用户名或 `token`）、何时、做了什么、从哪里（IP、User-Agent）；从不记录密码或密钥。最新的在前；用 `nextCursor` 作为 `cursor` 翻页。\n\nPermission `read`. Refunds, closes, resends, reconciliations, product and webhook-endpoint changes, user changes, sign-ins and sign-outs: who (a username or `token`), when, what, from where (IP, user agent); never a password or a secret. Newest first; pass `nextCursor` as `cursor` for the next page.',
    examples: { 200: AUDIT_PAGE_EXAMPLE },
  },
  'GET /api/admin/orders': {
    summary: '订单列表（筛选、分页）/ orders, filtered and paged',
    description:
      '权限 `read`。按状态、支付方式、API 版本、时间、单号前缀、交易号或 openid 筛选；用 `before` 翻页。\n\nPermission `read`. Filter by state, pay type, API version, time, order-number prefix, transaction id or openid; page with `before`.',
    examples: { 200: [ADMIN_ORDER_EXAMPLE] },
  },
  'GET /api/admin/orders.csv': {
    summary: '导出订单（CSV）/ export orders as CSV',
    description:
      '权限 `read`。筛选条件与订单列表相同，不分页：流式输出所有匹配的订单（UTF-8 带 BOM，Excel 可直接打开；时间为北京时间；金额同时给出分和元）。\n\nPermission `read`. The list’s filters, no pages: every matching order, streamed (UTF-8 with a BOM for Excel; times in China time; amounts in fen and in yuan).',
  },
  'GET /api/admin/orders/{orderNo}': {
    summary: '订单详情：状态历史、收到的通知、退款 / an order with its history, notifications and refunds',
    description:
      '权限 `read`。通知的原始报文原样保存；未通过验签的报文来自不可信来源。\n\nPermission `read`. Raw notification bodies as received; unverified ones are attacker-controlled.',
    examples: { 200: ORDER_DETAIL_EXAMPLE },
  },
  'POST /api/admin/orders/{orderNo}/close': {
    summary: '关闭未支付的订单（先查微信）/ close an unpaid order (WeChat asked first)',
    description:
      '权限 `close`。先向微信查单：已支付则补记为已支付（outcome 为 PAID），否则先在微信关单再在本地关闭。只有未支付的订单能关闭，其余答复 409 `INVALID_TRANSITION`。\n\nPermission `close`. WeChat is queried first: paid there, the order becomes PAID (outcome PAID); otherwise it is closed at WeChat, then here. Only an unpaid order can be closed; others get 409 `INVALID_TRANSITION`.',
    examples: {
      200: {
        outcome: 'CLOSED',
        order: { ...NEW_ORDER_EXAMPLE, state: 'CLOSED', closedAt: '2026-12-03T02:05:00.000Z' },
      },
    },
  },
  'POST /api/admin/orders/{orderNo}/query': {
    summary: '立即向微信查单 / ask WeChat about the order now',
    description:
      '权限 `reconcile`。微信已支付而本地未支付时，经对账用例补记为已支付。\n\nPermission `reconcile`. Paid at WeChat but not here: recorded as paid through the reconcile use case.',
    examples: { 200: { tradeState: 'SUCCESS', outcome: 'PAID', order: ADMIN_ORDER_EXAMPLE } },
  },
  'POST /api/admin/orders/{orderNo}/notifications/resend': {
    summary: '请求重发通知（仅演示环境）/ ask for the notification again (demo only)',
    description:
      '权限 `resend`。真实微信支付没有重发接口，此时答复 501 `NOT_AVAILABLE`，请改用查单。\n\nPermission `resend`. Real WeChat Pay has no resend API: 501 `NOT_AVAILABLE` there; query instead.',
    examples: {
      200: { notificationId: 'n-20261203-0001', status: 'delivered', httpStatus: 204, acked: true },
    },
  },
  'GET /api/admin/webhooks': {
    summary: 'Webhook 地址与投递记录 / webhook endpoints and deliveries',
    description:
      '权限 `read`。配置的地址（不含密钥）和最近的投递：每个事件、每个地址一条，带状态（pending 重试中、delivered 已确认、failed 已放弃）和最后一次的答复。\n\nPermission `read`. The configured endpoints (never their secrets) and the latest deliveries, one per event and endpoint, with their state and last answer.',
    examples: {
      200: {
        endpoints: [
          {
            id: 'env',
            url: 'https://erp.example.com/hooks/wechatpay',
            description: '环境变量 WEBHOOK_URL (environment)',
            enabled: true,
            readOnly: true,
          },
        ],
        deliveries: [WEBHOOK_DELIVERY_EXAMPLE],
      },
    },
  },
  'GET /api/admin/webhooks/endpoints': {
    summary: 'Webhook 地址列表 / webhook endpoints',
    description:
      '需要 ADMIN_TOKEN。环境变量 WEBHOOK_URL 的地址（只读）和在后台添加的地址，从不包含密钥。\n\nADMIN_TOKEN. The environment’s WEBHOOK_URL (read-only) and those added here, never with their secrets.',
    examples: { 200: [WEBHOOK_ENDPOINT_EXAMPLE] },
  },
  'POST /api/admin/webhooks/endpoints': {
    summary: '添加 webhook 地址 / add a webhook endpoint',
    description:
      '需要 ADMIN_TOKEN。生成的密钥（`whsec_…`）只在此答复中出现一次，请立即交给接收方。地址须为 https（演示模式或 WEBHOOK_ALLOW_HTTP=true 时可用 http），否则 400 `WEBHOOK_URL_NOT_ALLOWED`；最多 20 个启用的地址。\n\nADMIN_TOKEN. The generated secret (`whsec_…`) is in this answer only: hand it to the receiver now. https only (http in demo mode or with WEBHOOK_ALLOW_HTTP=true), else 400 `WEBHOOK_URL_NOT_ALLOWED`; at most 20 enabled endpoints.',
    examples: { 201: { ...WEBHOOK_ENDPOINT_EXAMPLE, secret: WEBHOOK_ENDPOINT_SECRET_EXAMPLE } },
  },
  'PATCH /api/admin/webhooks/endpoints/{id}': {
    summary: '修改、停用或启用 webhook 地址 / change, disable or enable an endpoint',
    description:
      '需要 ADMIN_TOKEN。只改给出的字段；环境变量的地址答复 409 `WEBHOOK_ENDPOINT_READ_ONLY`。\n\nADMIN_TOKEN. Only the fields given change; the environment’s endpoint is 409 `WEBHOOK_ENDPOINT_READ_ONLY`.',
    examples: { 200: { ...WEBHOOK_ENDPOINT_EXAMPLE, enabled: false } },
  },
  'POST /api/admin/webhooks/endpoints/{id}/rotate-secret': {
    summary: '更换 webhook 密钥 / rotate an endpoint’s secret',
    description:
      '需要 ADMIN_TOKEN。新密钥只出现在此答复中；旧密钥在 24 小时内继续一起签名（签名头带两个 `v1=`），接收方可无缝切换。\n\nADMIN_TOKEN. The new secret is in this answer only; the old one keeps signing beside it for 24 h (two `v1=` in the header), so the receiver can switch without a gap.',
    examples: {
      200: {
        ...WEBHOOK_ENDPOINT_EXAMPLE,
        secretRotatedAt: '2026-12-04T02:00:00.000Z',
        previousSecretUntil: '2026-12-05T02:00:00.000Z',
        secret: WEBHOOK_ENDPOINT_SECRET_EXAMPLE,
      },
    },
  },
  'DELETE /api/admin/webhooks/endpoints/{id}': {
    summary: '停用 webhook 地址 / disable an endpoint',
    description:
      '需要 ADMIN_TOKEN。不再收到新事件；投递记录保留，可用 PATCH 重新启用。\n\nADMIN_TOKEN. No new events go to it; its deliveries stay, and PATCH can enable it again.',
    examples: { 200: { ...WEBHOOK_ENDPOINT_EXAMPLE, enabled: false } },
  },
  'GET /api/admin/webhooks/deliveries/{id}': {
    summary: '一次投递的事件与每次尝试 / one delivery’s event and attempts',
    description: '权限 `read`。\n\nPermission `read`.',
    examples: { 200: WEBHOOK_DELIVERY_DETAIL_EXAMPLE },
  },
  'POST /api/admin/webhooks/deliveries/{id}/resend': {
    summary: '立即重发 webhook / resend a webhook now',
    description:
      '权限 `resend`。同一个事件（同一个 id，接收方据此去重）再发一次，不影响自动重试；收到 2xx 即标记为已送达。\n\nPermission `resend`. The same event (same id, which the receiver deduplicates by) once more, outside the retry schedule; a 2xx marks it delivered.',
    examples: { 200: WEBHOOK_DELIVERY_DETAIL_EXAMPLE },
  },
  'GET /api/admin/events': {
    summary: '订单状态实时推送（后台）/ every order’s state changes, live (back office)',
    description:
      '需要 ADMIN_TOKEN。Server-Sent Events：每当任何订单状态变化（支付、关闭、退款）推送 `event: state` 与 `{orderNo, state, at}`，供后台列表和详情实时刷新；多实例时经 PostgreSQL LISTEN/NOTIFY 共享。不推送当前状态，也不会自行结束。\n\nADMIN_TOKEN. Server-Sent Events: `event: state` with `{orderNo, state, at}` whenever any order changes state (paid, closed, refunds), so the back office’s lists and drawer follow; shared across instances through PostgreSQL LISTEN/NOTIFY. No current state first, and the stream does not end by itself.',
  },
  'POST /api/admin/reconciliations': {
    summary: '重新对账某一天 / reconcile a day (again)',
    description:
      '需要 ADMIN_TOKEN。下载该日（北京时间）的微信交易账单与资金账单，逐笔与本地订单、退款核对；能修复的（微信已收款而本地未支付、微信已退款而本地未完成）经对账用例修复并复核，其余列为待处理差异。可重复执行：账单明细与未处理差异被替换，已修复的记录保留。账单尚未生成时状态为 WAITING_FOR_BILL，稍后自动重试。\n\nADMIN_TOKEN. Downloads that China day’s WeChat trade and fund-flow bills and checks every line against the orders and refunds here; what may be repaired (paid at WeChat but unpaid here, refunded at WeChat but open here) is repaired through the reconcile use cases and re-checked, the rest is listed for a person. Re-runnable: the bill lines and open differences are replaced, repairs stay on record. A bill not published yet leaves the day WAITING_FOR_BILL, retried later.',
    examples: { 200: RECONCILIATION_DETAIL_EXAMPLE },
  },
  'GET /api/admin/reconciliations': {
    summary: '对账日历 / reconciled days',
    description:
      '需要 ADMIN_TOKEN。from、to 为北京时间日期（含），默认最近 31 天，最多 366 天。金额为整数分；手续费来自微信账单；净额 = 收款 − 退款 − 手续费。\n\nADMIN_TOKEN. from and to are China days (inclusive), the last 31 days by default, at most 366. Money in fen; fees come from WeChat’s bill; net = payments − refunds − fees.',
    examples: { 200: [RECONCILIATION_EXAMPLE] },
  },
  'GET /api/admin/reconciliations/{date}': {
    summary: '某日对账报告与差异 / a day’s report and differences',
    description:
      '需要 ADMIN_TOKEN。每条差异有类型、订单/退款、双方金额，以及处理结果：open（待人工处理）、repaired（已自动修复并复核）、resolved（在之后某日账单中出现，自动消除）。\n\nADMIN_TOKEN. Every difference has its kind, order/refund, both amounts and how it ended: open (a person must look), repaired (fixed and re-checked), resolved (it appeared in a later day’s bill).',
    examples: { 200: RECONCILIATION_DETAIL_EXAMPLE },
  },
  'GET /api/admin/reconciliations/{date}.csv': {
    summary: '下载某日对账报告 CSV / a day’s report as CSV',
    description:
      '需要 ADMIN_TOKEN。UTF-8 带 BOM（Excel 可直接打开）：双方合计，然后每条差异一行，时间为北京时间。\n\nADMIN_TOKEN. UTF-8 with a BOM (opens in Excel): both sides’ totals, then one line per difference, times in China time.',
  },
  'GET /api/admin/products': {
    summary: '商品管理：全部商品（含已下架）/ the catalogue, withdrawn products too',
    description: '权限 `read`。价格为整数分。\n\nPermission `read`. Prices in integer fen.',
    examples: {
      200: [
        {
          id: 'demo-coffee',
          name: '拿铁咖啡',
          description: '中杯，燕麦奶',
          price: 990,
          stock: null,
          available: true,
        },
      ],
    },
  },
  'POST /api/admin/products': {
    summary: '新增商品 / add a product',
    description:
      '权限 `products.manage`。id 之后不能修改；价格为整数分；stock 为 null 表示不限量。已存在的 id 答复 409 `PRODUCT_EXISTS`。\n\nPermission `products.manage`. The id cannot change later; price in fen; stock null = unlimited. An existing id is 409 `PRODUCT_EXISTS`.',
    examples: {
      201: {
        id: 'oolong-250g',
        name: '乌龙茶 250g',
        description: '',
        price: 5800,
        stock: 40,
        available: true,
      },
    },
  },
  'PATCH /api/admin/products/{id}': {
    summary: '修改或下架商品 / change or withdraw a product',
    description:
      '权限 `products.manage`。只改给出的字段；`available: false` 下架（不再出售，已下的订单价格不变），`true` 重新上架。商品不会被删除：订单引用它。\n\nPermission `products.manage`. Only the fields given change; `available: false` withdraws it (no longer sold; placed orders keep their price), `true` offers it again. Products are never deleted: orders refer to them.',
    examples: {
      200: {
        id: 'oolong-250g',
        name: '乌龙茶 250g',
        description: '',
        price: 5800,
        stock: 40,
        available: false,
      },
    },
  },
  'GET /api/admin/stats': {
    summary: '收款统计（按小时或按天）/ takings per hour or day',
    description:
      '权限 `read`。按天统计以北京时间零点为界。\n\nPermission `read`. Days start at China-time midnight.',
    examples: { 200: STATS_EXAMPLE },
  },
  'POST /api/orders/{orderNo}/refunds': {
    summary: '申请退款 / request a refund',
    description:
      '权限 `refund`。refundNo 是幂等键（即微信的 out_refund_no）：同一 refundNo 同样的金额再次请求得到同一退款（200），不同金额答复 409 `REFUND_CONFLICT`。\n\nPermission `refund`. refundNo is the idempotency key (WeChat’s out_refund_no): the same refundNo and amount again gives the same refund (200); another amount is 409 `REFUND_CONFLICT`.',
    examples: { 201: REFUND_EXAMPLE, 200: REFUND_EXAMPLE },
  },
  'GET /api/orders/{orderNo}/refunds': {
    summary: '订单的退款 / an order’s refunds',
    description: '权限 `read`。\n\nPermission `read`.',
    examples: { 200: [REFUND_EXAMPLE] },
  },
  'GET /api/admin/refunds': {
    summary: '退款列表 / refunds',
    description: '权限 `read`。可按状态筛选。\n\nPermission `read`. Filter by state.',
    examples: { 200: [REFUND_EXAMPLE] },
  },
  'GET /health': {
    summary: '健康检查 / health',
    description: '检查数据库连接；负载均衡器用。\n\nPings the database; for load balancers.',
    examples: { 200: { status: 'ok', database: 'up' }, 503: { status: 'unavailable', database: 'down' } },
  },
  'GET /health/live': {
    summary: '存活检查 / liveness',
    description:
      '进程能应答即为存活，不访问数据库；编排器据此决定是否重启进程。\n\nThe process answers; touches no database. For an orchestrator deciding whether to restart the process.',
    examples: { 200: { status: 'ok' } },
  },
  'GET /health/ready': {
    summary: '就绪检查 / readiness',
    description:
      '数据库可达、迁移已完成、未在关闭中时为 200；否则 503，`failed` 列出未通过的检查。开始关闭（SIGTERM）后立即答复 503，负载均衡器据此停止转发。\n\n200 when the database answers, every migration is applied and the instance is not shutting down; otherwise 503 with the failed checks in `failed`. Answers 503 as soon as shutdown (SIGTERM) begins, so a load balancer stops sending traffic.',
    examples: {
      200: {
        status: 'ready',
        checks: { database: 'up', migrations: 'applied', shutdown: 'no' },
        failed: [],
      },
      503: {
        status: 'unavailable',
        checks: { database: 'up', migrations: 'applied', shutdown: 'in-progress' },
        failed: ['shutdown'],
      },
    },
  },
  'GET /metrics': {
    summary: 'Prometheus 指标 / Prometheus metrics',
    description: '设置了 METRICS_TOKEN 时需要 Bearer 令牌。\n\nA bearer token when METRICS_TOKEN is set.',
  },
  'GET /api/products/{id}/bizpayurl': {
    summary: 'Native 模式一：商品二维码内容 / Native mode 1: the product QR content',
    description:
      '每次签出新的 nonce，之前的码仍然有效，可以印刷。\n\nA fresh nonce each time; earlier codes stay valid and may be printed.',
    examples: {
      200: {
        productId: 'demo-coffee',
        url: 'weixin://wxpay/bizpayurl?appid=wx2421b1c4370ec43b&mch_id=10000100&nonce_str=f6808210402125e30663234f94c87a8c&product_id=demo-coffee&time_stamp=1764727200&sign=6F1B4C7E0D3A2B8C9E5F4A1D2C3B4A59',
      },
    },
  },
  'GET /api/products/{id}/qrcode.svg': {
    summary: 'Native 模式一：商品二维码（SVG）/ Native mode 1: the product QR code (SVG)',
    description:
      '扫码后微信回调 `POST /api/native/callback`。\n\nScanning makes WeChat call `POST /api/native/callback`.',
  },
  'GET /api/products/{id}/qrcode.png': {
    summary: 'Native 模式一：商品二维码（PNG）/ Native mode 1: the product QR code (PNG)',
    description:
      '扫码后微信回调 `POST /api/native/callback`。\n\nScanning makes WeChat call `POST /api/native/callback`.',
  },
  'POST /api/native/callback': {
    summary: 'Native 模式一扫码回调 / the Native mode-1 scan callback',
    description: `微信在用户扫码后调用：验签，下单，答复签名的 prepay_id（或 err_code_des 给用户看）。${'\n\n'}WeChat calls it when a buyer scans: verified, an order placed, answered with the signed prepay_id (or err_code_des for the buyer). ${WECHAT_ANSWER}`,
  },
};
