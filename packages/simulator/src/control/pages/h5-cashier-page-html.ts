/** What the cashier page shows: the order (the pay sheet) or WeChat's refusal. */
export type H5CashierPage =
  | {
      kind: 'sheet';
      prepayId: string;
      merchantName: string;
      description: string;
      amountFen: number;
      redirectUrl?: string;
    }
  | { kind: 'refused'; code: string; message: string; hint: string };

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/**
 * The H5 cashier (`/cgi-bin/mmpayweb-bin/checkmweb`): where WeChat would hand the browser over to the
 * WeChat app, the simulator shows the pay sheet itself — choose the simulated user, pay or cancel —
 * and then sends the browser to `redirect_url` as WeChat does (or back). The order travels in data
 * attributes (escaped); `h5-cashier.js` does the rest through the control API.
 */
export function h5CashierPageHtml(page: H5CashierPage): string {
  const body =
    page.kind === 'refused'
      ? `<section class="card result failed" data-testid="h5-refused" data-code="${escapeHtml(page.code)}">
    <div class="icon"></div>
    <h3 data-testid="h5-refusal">${escapeHtml(page.message)}</h3>
    <div class="notice" data-testid="h5-refusal-hint">${escapeHtml(page.code)}: ${escapeHtml(page.hint)}</div>
  </section>`
      : `<section class="card" data-testid="h5-cashier" id="cashier" data-prepay-id="${escapeHtml(page.prepayId)}" data-redirect-url="${escapeHtml(page.redirectUrl ?? '')}">
    <div class="sheet">
      <div class="merchant"><span class="avatar">¥</span><span data-testid="h5-merchant">${escapeHtml(page.merchantName)}</span></div>
      <div class="amount" data-testid="h5-amount"><span class="yen">¥</span>${yuan(page.amountFen)}</div>
      <div class="desc" data-testid="h5-description">${escapeHtml(page.description)}</div>
      <div class="field">
        <label for="user" data-i18n="phone.payer"></label>
        <select id="user" data-testid="h5-user"></select>
      </div>
      <div id="notice" class="notice hidden" data-testid="h5-notice"></div>
      <div class="actions">
        <button id="pay" class="primary" data-testid="h5-pay" data-i18n="h5.pay"></button>
        <button id="cancel" data-testid="h5-cancel" data-i18n="h5.cancel"></button>
      </div>
    </div>
  </section>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title data-i18n="h5.title">WeChat Pay · H5 cashier (simulator)</title>
<link rel="stylesheet" href="/_sim/assets/sim.css">
</head>
<body>
<div class="phone">
  <div class="topbar"><span class="logo">¥</span><span data-i18n="sim.wechatPay"></span><span class="sub" data-i18n="h5.sub"></span><span data-lang-switch></span></div>
  ${body}
  <div class="footer" data-i18n="sim.footer"></div>
</div>
<script type="module" src="/_sim/assets/messages.js"></script>
${page.kind === 'sheet' ? '<script type="module" src="/_sim/assets/common.js"></script>\n<script type="module" src="/_sim/assets/h5-cashier.js"></script>' : ''}
</body>
</html>
`;
}
