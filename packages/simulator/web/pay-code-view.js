// The phone's payment code (付款码) view (`/_sim/assets/pay-code-view.js`): the selected user's
// one-time code as a Code 128 barcode and a QR, the digits masked until tapped, a new code before
// the old one expires (on the simulated clock) and after each payment; and, while it is open, the
// password sheet for a cashier's payment that waits for the customer (USERPAYING). Like the rest of
// the phone it calls the control API only, so a person here does exactly what a test does.

import { code128Svg } from './code128-encoder.js';
import { qrSvg } from './qr-encoder.js';

const sim = window.sim;
const { t, onLanguageChange } = window.simI18n;
const PIN_LENGTH = 6;
/** The demo's stand-in for a wrong password: any other six digits pay. */
const WRONG_PIN = '000000';
/** A new code this long before the shown one expires, so a scanner never reads a dead code. */
const REFRESH_EARLY_MS = 5000;
/** A code's minute, as the simulator issues it (`PAYMENT_CODE_LIFETIME_MS`). */
const CODE_LIFETIME_MS = 60_000;

const $ = (id) => document.getElementById(id);
let code = null;
/** Simulated time minus this browser's: the codes expire on the simulator's clock. */
let skew = 0;
let revealed = false;
let open = false;
let fetching = false;
let request = null;
let pin = '';
let busy = false;
let polling = false;
/** Orders paid or cancelled here: the list may still hold them for a moment. */
const handled = new Set();

function notice(id, text, kind) {
  const node = $(id);
  node.textContent = text || '';
  node.className = `notice${kind ? ` ${kind}` : ''}${text ? '' : ' hidden'}`;
}

const user = () => $('user').value;
const groups = (digits) => digits.replace(/(\d{4})(?=\d)/g, '$1 ');
const yuan = (r) => (r.amountText ? r.amountText.replace('¥', '') : (r.amount / 100).toFixed(2));

async function newCode() {
  if (fetching || !user()) return;
  fetching = true;
  try {
    const [issued, clock] = await Promise.all([
      sim.api('POST', `/users/${encodeURIComponent(user())}/payment-code`, {}),
      sim.api('GET', '/clock'),
    ]);
    skew = clock.now - Date.now();
    code = { ...issued, expiresAtMs: Date.parse(issued.expiresAt) };
    revealed = false;
    renderCode();
  } catch (error) {
    notice('paycode-notice', t('paycode.failed', { message: error.message }), 'error');
  } finally {
    fetching = false;
  }
}

function renderCode() {
  if (!code) return;
  $('paycode-barcode').replaceChildren(code128Svg(code.authCode));
  $('paycode-qr').replaceChildren(qrSvg(code.authCode));
  const digits = $('paycode-digits');
  digits.textContent = revealed
    ? groups(code.authCode)
    : `${code.authCode.slice(0, 4)} ${'•'.repeat(4)} ${'•'.repeat(4)} ${'•'.repeat(4)} ••`;
  digits.dataset.revealed = String(revealed);
  digits.setAttribute('aria-label', t(revealed ? 'paycode.tapToHide' : 'paycode.tapToShow'));
  $('paycode-user').textContent = code.user;
  tick();
}

/** The simulated clock moves behind the page's back (the console's buttons): read it now and then. */
let ticks = 0;
function readClock() {
  sim
    .api('GET', '/clock')
    .then((clock) => {
      skew = clock.now - Date.now();
    })
    .catch(() => {});
}

function tick() {
  if (!open || !code) return;
  ticks += 1;
  if (ticks % 3 === 0) readClock();
  const left = code.expiresAtMs - (Date.now() + skew);
  $('paycode-expiry').textContent = t('paycode.refreshesIn', {
    seconds: Math.max(0, Math.ceil(left / 1000)),
  });
  if (left <= REFRESH_EARLY_MS) newCode();
  if (request) renderDeadline();
}

async function pollRequests() {
  if (!open || polling || busy || !user()) return;
  polling = true;
  try {
    const waiting = await sim.api('GET', `/users/${encodeURIComponent(user())}/password-requests`);
    const next = waiting.find((r) => !handled.has(r.outTradeNo));
    if (!request && next) showSheet(next);
    else if (request && !waiting.some((r) => r.outTradeNo === request.outTradeNo)) {
      // Reversed or closed by the cashier, or timed out, while the customer was typing.
      hideSheet();
      notice('paycode-notice', t('pin.gone'), 'error');
    }
  } catch {
    // the simulator may be restarting, or older than this page: try again next second
  } finally {
    polling = false;
  }
}

/**
 * A payment that needed no password (under the user's password-free limit) never reaches the
 * sheet: the phone learns of it from the order list, shows it paid and moves on to a new code.
 */
async function pollPaidOrders() {
  if (!open || !code || busy) return;
  const issuedAt = code.expiresAtMs - CODE_LIFETIME_MS;
  try {
    const paid = await sim.api('GET', '/orders?state=SUCCESS&limit=20');
    const mine = paid.find(
      (o) =>
        o.tradeType === 'MICROPAY' &&
        o.payerUser === user() &&
        o.createdAt >= issuedAt &&
        !handled.has(o.outTradeNo),
    );
    if (!mine) return;
    handled.add(mine.outTradeNo);
    const amount = mine.amountText.replace('¥', '');
    notice('paycode-notice', t('paycode.paid', { amount, merchant: mine.merchantName || mine.mchid }), 'ok');
    $('paycode').dataset.lastPaid = mine.outTradeNo;
    await newCode();
  } catch {
    // as for the password requests: the next round asks again
  }
}

function showSheet(r) {
  request = r;
  pin = '';
  $('pin-merchant').textContent = r.merchantName || r.mchid;
  $('pin-avatar').textContent = (r.merchantName || '?').charAt(0);
  $('pin-amount').textContent = yuan(r);
  $('pin-description').textContent = r.description || '';
  notice('pin-notice', r.wrongPasswords ? t('pin.wrong', { attempts: r.wrongPasswords }) : '', 'error');
  renderPin();
  renderDeadline();
  $('pin-sheet').classList.remove('hidden');
}

function hideSheet() {
  request = null;
  pin = '';
  $('pin-sheet').classList.add('hidden');
}

function renderDeadline() {
  if (!request?.deadline) return;
  const left = Date.parse(request.deadline) - (Date.now() + skew);
  $('pin-deadline').textContent = t('pin.deadline', { time: sim.duration(left) });
}

function renderPin() {
  const dots = $('pin-dots').children;
  for (let i = 0; i < dots.length; i++) dots[i].classList.toggle('filled', i < pin.length);
  for (const button of $('pin-sheet').querySelectorAll('button')) button.disabled = busy;
}

function press(key) {
  if (!request || busy) return;
  if (key === 'back') pin = pin.slice(0, -1);
  else if (pin.length < PIN_LENGTH) pin += key;
  renderPin();
  if (pin.length === PIN_LENGTH) answer(pin === WRONG_PIN ? 'wrong' : 'pay');
}

async function answer(action) {
  if (!request || busy) return;
  const r = request;
  busy = true;
  renderPin();
  notice('pin-notice', '');
  try {
    const result = await sim.api('POST', `/orders/${encodeURIComponent(r.outTradeNo)}/password`, { action });
    const order = result?.order ?? result ?? {};
    if (order.state === 'USERPAYING') {
      // A wrong PIN: the sheet stays, as in WeChat, until the third one fails the payment.
      pin = '';
      const attempts = order.wrongPasswords ?? order.wrongAttempts ?? 1;
      notice('pin-notice', t('pin.wrong', { attempts }), 'error');
      return;
    }
    handled.add(r.outTradeNo);
    hideSheet();
    const merchant = r.merchantName || r.mchid;
    if (order.state === 'SUCCESS') {
      notice('paycode-notice', t('paycode.paid', { amount: yuan(r), merchant }), 'ok');
      $('paycode').dataset.lastPaid = r.outTradeNo;
    } else if (action === 'cancel') notice('paycode-notice', t('pin.cancelled'), '');
    else if (action === 'wrong') notice('paycode-notice', t('pin.tooManyWrong'), 'error');
    else notice('paycode-notice', t('paycode.notPaid', { state: order.state ?? '?' }), 'error');
    // The code that paid is spent; the phone shows the next one straight away.
    await newCode();
  } catch (error) {
    pin = '';
    notice('pin-notice', `${error.message} (${error.code})`, 'error');
  } finally {
    busy = false;
    renderPin();
  }
}

function setOpen(value) {
  open = value;
  $('paycode').classList.toggle('hidden', !open);
  $('paycode-open').setAttribute('aria-pressed', String(open));
  if (!open) {
    hideSheet();
    return;
  }
  notice('paycode-notice', '');
  newCode();
}

function buildPad() {
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '', '0', 'back'];
  $('pin-pad').replaceChildren(
    ...keys.map((key) => {
      if (!key) return sim.el('span', {});
      return sim.el('button', {
        type: 'button',
        class: key === 'back' ? 'pin-key back' : 'pin-key',
        'data-testid': `pin-key-${key}`,
        'data-i18n-aria-label': key === 'back' ? 'pin.delete' : null,
        'aria-label': key === 'back' ? t('pin.delete') : key,
        text: key === 'back' ? '⌫' : key,
        onclick: () => press(key),
      });
    }),
  );
  $('pin-dots').replaceChildren(
    ...Array.from({ length: PIN_LENGTH }, () => sim.el('span', { class: 'pin-dot' })),
  );
}

buildPad();
$('paycode-open').addEventListener('click', () => setOpen(!open));
$('paycode-close').addEventListener('click', () => setOpen(false));
$('paycode-refresh').addEventListener('click', () => newCode());
$('paycode-digits').addEventListener('click', () => {
  revealed = !revealed;
  renderCode();
});
$('pin-cancel').addEventListener('click', () => answer('cancel'));
$('pin-wrong').addEventListener('click', () => answer('wrong'));
document.addEventListener('keydown', (event) => {
  if (!request || $('pin-sheet').classList.contains('hidden')) return;
  if (/^\d$/.test(event.key)) press(event.key);
  else if (event.key === 'Backspace') press('back');
});
$('user').addEventListener('change', () => {
  hideSheet();
  if (open) newCode();
});
onLanguageChange(() => renderCode());
setInterval(tick, 1000);
setInterval(pollRequests, 1000);
setInterval(pollPaidOrders, 2000);
if (new URLSearchParams(location.search).get('view') === 'paycode') {
  // The user list arrives a moment later; the first code waits for it.
  const wait = setInterval(() => {
    if (!user()) return;
    clearInterval(wait);
    setOpen(true);
  }, 100);
}
