/**
 * The phone page (`/_sim/phone`): the part of the WeChat app a payment touches — choose who is
 * holding the phone, scan (paste) a QR code or follow a payment link, confirm or refuse, and watch
 * the merchant being told. Static markup; `phone.js` fills it from the control API.
 */
export const PHONE_PAGE_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#f7f7f7">
<title>微信支付 · 模拟器 WeChat Pay simulator</title>
<link rel="stylesheet" href="/_sim/assets/sim.css">
</head>
<body>
<div class="phone">
  <div class="topbar"><span class="logo">¥</span><span>微信支付</span><span class="sub">WeChat Pay · 模拟器</span></div>

  <section class="card">
    <div class="field">
      <label for="user">付款人<span class="sub">Paying user</span></label>
      <select id="user" data-testid="user-select"></select>
    </div>
    <div class="scan-row">
      <input id="scan-input" data-testid="scan-input" placeholder="粘贴二维码内容 Paste weixin://wxpay/bizpayurl?…" autocomplete="off" spellcheck="false">
      <button id="scan-button" data-testid="scan-button">扫一扫 Scan</button>
    </div>
    <div id="scan-notice" class="notice error hidden"></div>
  </section>

  <section id="order-card" class="card hidden" data-testid="order">
    <div id="sheet" class="sheet">
      <div class="merchant"><span id="avatar" class="avatar"></span><span id="merchant-name" data-testid="merchant-name"></span></div>
      <div class="amount" data-testid="amount"><span class="yen">¥</span><span id="amount"></span></div>
      <div id="description" class="desc" data-testid="description"></div>
      <dl class="facts">
        <div><dt>状态 State</dt><dd><span id="state" data-testid="state"></span></dd></div>
        <div><dt>剩余时间 Expires in</dt><dd id="countdown" data-testid="countdown"></dd></div>
        <div><dt>商户单号 Order no.</dt><dd id="out-trade-no" class="mono"></dd></div>
        <div><dt>支付方式 Type</dt><dd id="trade-type"></dd></div>
      </dl>
      <div id="payer-notice" class="notice hidden"></div>
      <div id="action-notice" class="notice hidden" data-testid="action-notice"></div>
      <div id="actions" class="actions">
        <button id="pay" class="primary" data-testid="pay">支付 Pay</button>
        <div class="row">
          <button id="cancel" data-testid="cancel">取消 Cancel</button>
          <button id="fail" class="danger" data-testid="fail">模拟失败 Fail</button>
        </div>
      </div>
    </div>
    <div id="result" class="result hidden" data-testid="result">
      <div id="result-icon" class="icon"></div>
      <h3 id="result-title"></h3>
      <div class="amount"><span class="yen">¥</span><span id="result-amount"></span></div>
      <dl class="facts">
        <div><dt>收款方 Payee</dt><dd id="result-merchant"></dd></div>
        <div class="stack"><dt>交易单号 Transaction ID</dt><dd id="transaction-id" class="mono" data-testid="transaction-id"></dd></div>
        <div><dt>付款人 Payer</dt><dd id="result-payer"></dd></div>
      </dl>
      <div class="actions"><button id="done" data-testid="done">完成 Done</button></div>
    </div>
  </section>

  <section id="log-card" class="card hidden" data-testid="notification-log">
    <h2>商户通知 <span class="sub">Merchant notifications · live</span></h2>
    <div id="log"></div>
  </section>

  <div class="footer">wechatpay-kit 模拟器 · 仅供本地开发 local development only · <a href="/_sim/console">控制台 Console</a></div>
</div>
<script src="/_sim/assets/common.js"></script>
<script src="/_sim/assets/phone.js"></script>
</body>
</html>
`;
