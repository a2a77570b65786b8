// The till (/pos): the cashier keys an amount or picks a product, scans the customer's payment
// code (a USB scanner types 18 digits and Enter into the focused field; a camera where the browser
// can read codes), and the page sends `POST /api/pos/payments`, then follows the order by SSE:
// waiting for the customer's password, paid, failed with WeChat's reason in words, reversed.

import { formatFen, parseYuanToFen } from './admin-format.js';
import { say, startI18n } from './messages.js';
import { watchOrder } from './order-watch.js';
import { wireCamera } from './pos-camera.js';
import { checkAuthCode, maskAuthCode } from './pos-code-check.js';
import { deviceId, forgetRecent, remember, renderRecent } from './pos-recent.js';
import { cashier, posApi, resumeSession, signIn, signOut, whenSignedOut } from './pos-session.js';
import { plain, reasonOf, SETTLED, shownStatus, showState } from './pos-status.js';

startI18n();

const $ = (id) => document.getElementById(id);
let mode = 'amount';
let apiVersion = 'v3';
let entry = '';
let products = [];
let productId = null;
let quantity = 1;
let watcher = null;
let busy = false;

/** While a payment is on its way the charge button waits: one code, one payment. */
function setBusy(value) {
  busy = value;
  $('pos-charge').disabled = value;
}

function amountFen() {
  if (mode === 'amount') return parseYuanToFen(entry || '0') ?? 0;
  const product = products.find((p) => p.id === productId);
  return product ? product.price * quantity : 0;
}

function renderAmount() {
  $('pos-amount').textContent = formatFen(amountFen());
  const product = products.find((p) => p.id === productId);
  if (mode === 'product' && product) $('pos-amount-note').textContent = `${product.name} × ${quantity}`;
  else $('pos-amount-note').textContent = '';
  $('pos-qty').textContent = String(quantity);
}

function press(key) {
  if (key === 'clear') entry = '';
  else if (key === 'back') entry = entry.slice(0, -1);
  else if (key === '.') {
    if (!entry.includes('.')) entry = `${entry || '0'}.`;
  } else {
    const [whole, decimals] = entry.split('.');
    if (decimals !== undefined && decimals.length >= 2) return;
    if (decimals === undefined && whole.length >= 7) return;
    entry = entry === '0' ? key : entry + key;
  }
  renderAmount();
}

function setMode(next) {
  mode = next;
  for (const b of $('pos-mode').querySelectorAll('button'))
    b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
  $('pos-keypad').hidden = mode !== 'amount';
  $('pos-products').hidden = mode !== 'product';
  if (mode === 'product' && products.length === 0) loadProducts();
  renderAmount();
}

async function loadProducts() {
  const list = $('pos-product-list');
  try {
    products = (await posApi('/api/products')).filter((p) => p.available !== false);
  } catch (error) {
    list.textContent = error.message;
    return;
  }
  if (products.length === 0) {
    say(list, 'pos.noProducts');
    return;
  }
  plain(list, '');
  list.replaceChildren(
    ...products.map((p) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'pos-product';
      button.dataset.productId = p.id;
      button.setAttribute('aria-pressed', String(p.id === productId));
      const name = document.createElement('span');
      name.textContent = p.name;
      const price = document.createElement('strong');
      price.textContent = p.priceText;
      button.append(name, price);
      button.addEventListener('click', () => {
        productId = p.id;
        for (const b of list.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b === button));
        renderAmount();
        $('pos-code').focus();
      });
      return button;
    }),
  );
}

function follow(order, masked) {
  const base = { orderNo: order.orderNo, amount: order.amount, masked };
  const apply = (o) => {
    const state = o.state ?? shownStatus().state;
    const details = { ...base, transactionId: o.transactionId ?? shownStatus().transactionId };
    if (o.wechatError) details.reason = reasonOf(o.wechatError.code, o.wechatError.message, state);
    else if (shownStatus().reason && shownStatus().orderNo === order.orderNo)
      details.reason = shownStatus().reason;
    showState(state, details);
    remember({ orderNo: order.orderNo, amount: order.amount, state });
    if (SETTLED.has(state)) {
      watcher?.stop();
      watcher = null;
      setBusy(false);
      // A failure's reason and a payment's transaction id come with the order, not the event.
      if (!o.orderNo)
        posApi(`/api/orders/${encodeURIComponent(order.orderNo)}`)
          .then(apply)
          .catch(() => {});
    }
  };
  apply(order);
  if (!SETTLED.has(order.state)) watcher = watchOrder(order.orderNo, apply);
}

async function charge() {
  if (busy) return;
  const note = $('pos-check');
  note.hidden = true;
  const amount = amountFen();
  const problem =
    mode === 'amount' && amount <= 0
      ? { key: 'pos.check.amount' }
      : mode === 'product' && !productId
        ? { key: 'pos.check.product' }
        : checkAuthCode($('pos-code').value).error;
  if (problem) {
    note.hidden = false;
    say(note, problem.key, problem.params);
    $('pos-code').focus();
    return;
  }
  const { code } = checkAuthCode($('pos-code').value);
  $('pos-code').value = '';
  const body = {
    authCode: code,
    ...(mode === 'amount' ? { amount } : { productId, quantity }),
    apiVersion,
    deviceId: deviceId(),
  };
  setBusy(true);
  watcher?.stop();
  showState('submitting', { amount, masked: maskAuthCode(code) });
  try {
    const answer = await posApi('/api/pos/payments', { method: 'POST', body: JSON.stringify(body) });
    follow(answer.order ?? answer, maskAuthCode(code));
  } catch (error) {
    setBusy(false);
    const order = error.body?.order;
    if (order?.orderNo)
      remember({ orderNo: order.orderNo, amount: order.amount ?? amount, state: order.state ?? 'PAYERROR' });
    showState('failed', {
      amount,
      orderNo: order?.orderNo ?? error.body?.orderNo,
      masked: maskAuthCode(code),
      reason: reasonOf(error.code, error.message),
    });
  }
}

function nextSale() {
  watcher?.stop();
  watcher = null;
  setBusy(false);
  entry = '';
  quantity = 1;
  $('pos-check').hidden = true;
  renderAmount();
  showState('idle');
  $('pos-code').focus();
}

function showTill() {
  const me = cashier();
  $('pos-signin').hidden = true;
  $('pos-till').hidden = false;
  say($('pos-cashier'), 'pos.signedInAs', { who: me.username ?? me.kind });
  say($('pos-device'), 'pos.device', { device: deviceId() });
  renderRecent();
  showState(shownStatus().state, shownStatus());
  $('pos-code').focus();
}

function showSignIn(reasonKey) {
  $('pos-till').hidden = true;
  $('pos-signin').hidden = false;
  const box = $('pos-signin-error');
  box.hidden = !reasonKey;
  if (reasonKey) say(box, reasonKey);
  $('pos-username').focus();
}

$('pos-signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await signIn($('pos-username').value.trim(), $('pos-password').value);
    $('pos-password').value = '';
    showTill();
  } catch (error) {
    $('pos-password').value = '';
    const box = $('pos-signin-error');
    box.hidden = false;
    if (error.code === 'SIGN_IN_FAILED') say(box, 'pos.signInFailed');
    else {
      plain(box);
      box.textContent = `${error.code}: ${error.message}`;
    }
  }
});
$('pos-signout').addEventListener('click', async () => {
  await signOut();
  showSignIn();
});
whenSignedOut((reasonKey) => showSignIn(reasonKey));

for (const button of $('pos-keypad').querySelectorAll('button')) {
  button.addEventListener('click', () => {
    press(button.dataset.key);
    // The scanner types into the focused field: the keypad hands the focus back to it.
    $('pos-code').focus();
  });
}
for (const button of $('pos-mode').querySelectorAll('button'))
  button.addEventListener('click', () => setMode(button.dataset.mode));
for (const button of $('pos-version').querySelectorAll('button')) {
  button.addEventListener('click', () => {
    apiVersion = button.dataset.version;
    for (const b of $('pos-version').querySelectorAll('button'))
      b.setAttribute('aria-pressed', String(b === button));
    $('pos-code').focus();
  });
}
$('pos-less').addEventListener('click', () => {
  quantity = Math.max(1, quantity - 1);
  renderAmount();
});
$('pos-more').addEventListener('click', () => {
  quantity = Math.min(99, quantity + 1);
  renderAmount();
});
$('pos-scan').addEventListener('submit', (event) => {
  event.preventDefault();
  charge();
});
$('pos-next').addEventListener('click', nextSale);
// A scanner types wherever the focus is: digits typed outside a field go to the code field.
document.addEventListener('keydown', (event) => {
  const tag = document.activeElement?.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || $('pos-till').hidden) return;
  if (/^\d$/.test(event.key)) $('pos-code').focus();
});
$('pos-recent-clear').addEventListener('click', forgetRecent);

wireCamera(
  $('pos-camera'),
  $('pos-video'),
  (text) => {
    $('pos-code').value = text;
    charge();
  },
  (error) => {
    const note = $('pos-check');
    note.hidden = false;
    say(note, 'pos.cameraFailed', { message: error.message });
  },
);
renderAmount();
showState('idle');
resumeSession().then((me) => (me ? showTill() : showSignIn()));
