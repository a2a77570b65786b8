/**
 * The stylesheet of the phone page and the console (`/_sim/assets/sim.css`): WeChat's colours
 * (green #07C160 on #EDEDED), system fonts only — the pages must work offline.
 */
export const PAGE_STYLE = `
:root {
  --green: #07c160; --green-dark: #06ad56; --red: #fa5151; --orange: #fa9d3b; --blue: #10aeff;
  --bg: #ededed; --card: #fff; --text: #111; --muted: #888; --line: #e5e5e5;
  font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--text); font-size: 15px; line-height: 1.45;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
a { color: #576b95; text-decoration: none; }
a:hover { text-decoration: underline; }
button { font: inherit; cursor: pointer; border: 0; border-radius: 8px; padding: 9px 14px; background: #f2f2f2; color: var(--text); }
button:hover { filter: brightness(0.96); }
button:disabled { cursor: default; opacity: 0.45; filter: none; }
button.primary { background: var(--green); color: #fff; font-weight: 600; }
button.danger { color: var(--red); }
button.small { padding: 3px 10px; font-size: 13px; border-radius: 6px; }
input, select { font: inherit; padding: 9px 10px; border: 1px solid var(--line); border-radius: 8px; background: #fff; color: var(--text); min-width: 0; }
input:focus, select:focus { outline: 2px solid rgba(7, 193, 96, 0.35); border-color: var(--green); }
.sub { color: var(--muted); font-size: 12px; font-weight: normal; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #f2f2f2; color: #555; white-space: nowrap; }
.badge.ok { background: #e7f8ef; color: var(--green-dark); }
.badge.warn { background: #fff4e5; color: #c46c00; }
.badge.bad { background: #feeded; color: var(--red); }
.badge.info { background: #e6f6ff; color: #0b7bb3; }
.hidden { display: none !important; }

/* phone page */
.phone { max-width: 420px; margin: 0 auto; min-height: 100vh; background: var(--bg); padding-bottom: 24px; }
@media (min-width: 600px) { .phone { margin: 24px auto; min-height: 0; border-radius: 18px; box-shadow: 0 6px 30px rgba(0,0,0,.12); overflow: hidden; } }
.topbar { display: flex; align-items: center; justify-content: center; gap: 8px; height: 50px; background: #f7f7f7; border-bottom: 1px solid var(--line); font-weight: 600; }
.topbar .logo { width: 22px; height: 22px; border-radius: 6px; background: var(--green); color: #fff; font-size: 13px; display: grid; place-items: center; }
.card { background: var(--card); margin: 10px 12px 0; border-radius: 12px; padding: 14px 16px; }
.card h2 { margin: 0 0 10px; font-size: 15px; display: flex; align-items: baseline; gap: 6px; }
.field { display: flex; align-items: center; gap: 10px; }
.field label { flex: none; width: 92px; font-size: 14px; }
.field label .sub { display: block; }
.field select, .field input { flex: 1; }
.scan-row { display: flex; gap: 8px; margin-top: 10px; }
.scan-row input { flex: 1; font-size: 13px; }
.scan-row button { flex: none; background: var(--green); color: #fff; }
.sheet { text-align: center; padding: 22px 18px 18px; }
.sheet .merchant { display: flex; justify-content: center; align-items: center; gap: 8px; color: #333; font-size: 15px; }
.avatar { width: 30px; height: 30px; border-radius: 50%; background: linear-gradient(135deg, #07c160, #10aeff); color: #fff; display: grid; place-items: center; font-size: 14px; font-weight: 600; flex: none; }
.amount { font-size: 46px; font-weight: 600; margin: 14px 0 4px; letter-spacing: 0.5px; font-variant-numeric: tabular-nums; }
.amount .yen { font-size: 28px; margin-right: 3px; }
.desc { color: #555; margin-bottom: 14px; }
.facts { text-align: left; border-top: 1px solid var(--line); margin: 0; padding-top: 8px; }
.facts div { display: flex; justify-content: space-between; gap: 12px; padding: 5px 0; font-size: 14px; }
.facts dt { color: var(--muted); flex: none; }
.facts dd { margin: 0; text-align: right; word-break: break-all; }
.facts div.stack { flex-direction: column; gap: 2px; }
.facts div.stack dd { text-align: left; }
.notice { margin: 12px 0 0; padding: 9px 12px; border-radius: 8px; font-size: 13px; text-align: left; background: #fff4e5; color: #a35a00; }
.notice.error { background: #feeded; color: #d63c3c; }
.notice.ok { background: #e7f8ef; color: var(--green-dark); }
.actions { margin-top: 16px; display: grid; gap: 10px; }
.actions .primary { padding: 12px; font-size: 17px; }
.actions .row { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.result { text-align: center; padding: 28px 18px 20px; }
.result .icon { position: relative; width: 64px; height: 64px; border-radius: 50%; margin: 0 auto 12px; background: var(--green); }
.result .icon::before, .result .icon::after { content: ''; position: absolute; background: #fff; border-radius: 3px; }
.result .icon::before { width: 6px; height: 16px; left: 20px; top: 30px; transform: rotate(-45deg); }
.result .icon::after { width: 6px; height: 32px; left: 34px; top: 15px; transform: rotate(45deg); }
.result.failed .icon { background: var(--red); }
.result.closed .icon { background: #b2b2b2; }
.result.failed .icon::before, .result.closed .icon::before,
.result.failed .icon::after, .result.closed .icon::after { width: 6px; height: 34px; left: 29px; top: 15px; }
.result h3 { margin: 0; font-size: 19px; }
.result .amount { margin-top: 8px; }
.log-item { border-top: 1px solid var(--line); padding: 10px 0 4px; }
.log-item:first-of-type { border-top: 0; padding-top: 0; }
.log-head { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; font-size: 13px; }
.log-head .event { font-weight: 600; }
.log-head .spacer { flex: 1; }
.log-url { margin-top: 2px; }
table.attempts { width: 100%; border-collapse: collapse; margin-top: 6px; font-size: 12px; }
table.attempts th { text-align: left; color: var(--muted); font-weight: normal; padding: 3px 4px; border-bottom: 1px solid var(--line); }
table.attempts td { padding: 4px; border-bottom: 1px solid #f3f3f3; vertical-align: top; }
.empty { color: var(--muted); font-size: 13px; }
.footer { text-align: center; color: var(--muted); font-size: 12px; margin-top: 16px; padding: 0 12px; }

/* console */
.console { max-width: 1280px; margin: 0 auto; padding: 0 16px 32px; }
.console header { display: flex; align-items: center; gap: 12px; padding: 16px 0 8px; }
.console header h1 { font-size: 20px; margin: 0; }
.console input, .console select { padding: 4px 8px; font-size: 13px; border-radius: 6px; }
.console header .spacer { flex: 1; }
.console .warning { background: #fff4e5; color: #a35a00; border-radius: 8px; padding: 8px 12px; font-size: 13px; }
.panel { background: var(--card); border-radius: 12px; padding: 14px 16px; margin-top: 14px; }
.panel h2 { font-size: 16px; margin: 0 0 10px; display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.panel h2 .spacer { flex: 1; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
.table-wrap { overflow-x: auto; }
table.data { width: 100%; border-collapse: collapse; font-size: 13px; }
table.data th { text-align: left; color: var(--muted); font-weight: normal; border-bottom: 1px solid var(--line); padding: 6px; white-space: nowrap; }
table.data td { border-bottom: 1px solid #f3f3f3; padding: 6px; vertical-align: top; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.form-row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 8px; font-size: 13px; }
.form-row input[type=number] { width: 72px; }
.form-row input.wide { width: 180px; }
.form-row label { display: inline-flex; align-items: center; gap: 4px; }
.narrow { width: 90px; }
.clock { font-size: 22px; font-variant-numeric: tabular-nums; }
`;
