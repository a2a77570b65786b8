/**
 * The merchant console (`/_sim/console`): the simulator's state at a glance — merchants, orders,
 * refunds, notifications — and the levers a test pulls by hand: clock, faults, probe signatures.
 */
export const CONSOLE_PAGE_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>模拟器控制台 · WeChat Pay simulator console</title>
<link rel="stylesheet" href="/_sim/assets/sim.css">
</head>
<body>
<div class="console">
  <header>
    <h1>微信支付模拟器 <span class="sub">WeChat Pay simulator console</span></h1>
    <span class="spacer"></span>
    <a href="/_sim/phone" target="_blank">手机页面 Phone page</a>
    <label class="sub"><input type="checkbox" id="auto" checked> 自动刷新 auto-refresh</label>
    <button id="refresh" class="small">刷新 Refresh</button>
  </header>
  <div class="warning">本地开发工具，无鉴权：切勿暴露到公网。 Local development tool without authentication — it hands out every merchant's keys; never expose it beyond your machine or test network.</div>
  <div id="error" class="notice error hidden"></div>

  <div class="grid2">
    <section class="panel">
      <h2>时钟 Clock</h2>
      <div class="clock" id="clock-now"></div>
      <div class="sub" id="clock-offset"></div>
      <div class="form-row" id="clock-buttons"></div>
    </section>
    <section class="panel">
      <h2>故障注入 Faults <span class="spacer"></span><button id="faults-clear" class="small danger">全部清除 Clear all</button></h2>
      <div class="table-wrap"><table class="data" id="fault-rules"></table></div>
      <div class="form-row">
        <label>API <input id="fault-api" class="wide" value="v3.*" placeholder="v3.transactions.native, v2.*, *"></label>
        <select id="fault-kind"><option>SYSTEMERROR</option><option>HTTP_500</option><option>HTTP_503</option><option>SLOW</option><option>NO_ANSWER</option></select>
        <label>次数 times <input id="fault-times" type="number" min="1" placeholder="∞"></label>
        <label>概率 p <input id="fault-probability" type="number" min="0" max="1" step="0.1" value="1"></label>
        <button id="fault-add" class="small">添加 Add</button>
      </div>
      <div class="form-row">
        <span>通知 Notify:</span><label>丢弃 drop <input id="nf-drop" type="number" min="0" max="1" step="0.1"></label>
        <label>重复 dup <input id="nf-dup" type="number" min="0" max="1" step="0.1"></label>
        <label>延迟 delay <input id="nf-delay" type="number" min="0" max="1" step="0.1"></label>
        <label>ms <input id="nf-delay-ms" type="number" min="0" step="100"></label>
        <label><input id="nf-reorder" type="checkbox"> 乱序 reorder</label>
        <button id="nf-apply" class="small">应用 Apply</button>
      </div>
      <div class="form-row">
        探测签名 Probe signatures: 接下来 next <input id="probe-count" type="number" min="1" value="1"> 个 v3 应答 answers
        <button id="probe" class="small">发送 Send</button><span id="probe-result" class="sub"></span>
      </div>
    </section>
  </div>

  <section class="panel">
    <h2>商户 Merchants</h2>
    <div class="table-wrap"><table class="data" id="merchants"></table></div>
  </section>

  <section class="panel">
    <h2>订单 Orders <span class="spacer"></span>
      <select id="order-state"><option value="">全部状态 all states</option><option>NOTPAY</option><option>USERPAYING</option><option>SUCCESS</option><option>REFUND</option><option>CLOSED</option><option>PAYERROR</option></select>
    </h2>
    <div class="table-wrap"><table class="data" id="orders"></table></div>
  </section>

  <section class="panel">
    <h2>退款 Refunds <span class="spacer"></span>
      <span class="sub">处理时长 settle after</span><input id="settle-delay" type="number" min="0" step="1000" class="narrow"><span class="sub">ms, 下一笔结果 next outcome</span>
      <select id="next-outcome"><option>SUCCESS</option><option>ABNORMAL</option><option>CLOSED</option></select>
      <button id="behaviour-apply" class="small">应用 Apply</button>
    </h2>
    <div class="table-wrap"><table class="data" id="refunds"></table></div>
  </section>

  <section class="panel">
    <h2>通知 Notifications <span class="spacer"></span>
      <select id="notify-status"><option value="">全部 all</option><option>pending</option><option>delivered</option><option>failed</option></select>
    </h2>
    <div class="table-wrap"><table class="data" id="notifications"></table></div>
  </section>
</div>
<script src="/_sim/assets/common.js"></script>
<script src="/_sim/assets/console.js"></script>
</body>
</html>
`;
