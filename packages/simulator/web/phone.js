/**
 * The phone page's behaviour (`/_sim/assets/phone.js`). It only calls the control API, so what a
 * person does here is exactly what a test does over HTTP. It polls once a second: the order and its
 * notification log change behind its back (merchant ACKs, retries, the clock moving).
 */
'use strict';
(() => {
  var sim = window.sim;
  var el = sim.el;
  var t = window.simI18n.t;
  var USER_KEY = 'wxpaySim.user';
  var OPEN_STATES = ['NOTPAY', 'USERPAYING'];
  var RESULTS = {
    SUCCESS: { cls: '', title: 'phone.result.SUCCESS' },
    REFUND: { cls: '', title: 'phone.result.REFUND' },
    PAYERROR: { cls: 'failed', title: 'phone.result.PAYERROR' },
    CLOSED: { cls: 'closed', title: 'phone.result.CLOSED' },
    REVOKED: { cls: 'closed', title: 'phone.result.REVOKED' },
  };
  var ref = null;
  var order = null;
  var lastDetail = null;
  var skew = 0;
  var lastLog = '';
  var busy = false;
  var polling = false;

  function $(id) {
    return document.getElementById(id);
  }
  function show(id, visible) {
    $(id).classList.toggle('hidden', visible === false);
  }
  function notice(id, text, kind) {
    var node = $(id);
    node.textContent = text || '';
    node.className = `notice${kind ? ` ${kind}` : ''}${text ? '' : ' hidden'}`;
  }
  function isOpen(o) {
    return (OPEN_STATES.indexOf(o.state) >= 0 || (o.state === 'PAYERROR' && retrying)) && !o.expired;
  }
  /** After a declined payment the user may try again, as in WeChat: the order is still payable. */
  var retrying = false;

  function loadUsers() {
    return sim.api('GET', '/users').then((users) => {
      var select = $('user');
      var wanted = select.value || localStorage.getItem(USER_KEY);
      sim.replace.apply(
        null,
        [select].concat(
          users.map((u) => el('option', { value: u.id, text: `${u.nickname} · ${u.balanceText}` })),
        ),
      );
      if (wanted && users.some((u) => u.id === wanted)) select.value = wanted;
    });
  }

  function scan(text) {
    notice('scan-notice', '');
    text = (text || '').trim();
    if (!text) {
      notice('scan-notice', t('phone.pasteFirst'), 'error');
      return;
    }
    sim
      .api('POST', '/scan', { code_url: text, user: $('user').value })
      .then((detail) => {
        history.replaceState(null, '', `?prepay_id=${encodeURIComponent(detail.order.prepayId)}`);
        openOrder(detail);
      })
      .catch((e) => {
        notice('scan-notice', e.message, 'error');
      });
  }

  function openRef(reference) {
    sim
      .api('GET', `/orders/${encodeURIComponent(reference)}`)
      .then(openOrder)
      .catch((e) => {
        notice('scan-notice', e.message, 'error');
      });
  }

  function openOrder(detail) {
    ref = detail.order.prepayId;
    lastLog = '';
    notice('action-notice', '');
    var payer = detail.order.designatedUser;
    if (payer && isOpen(detail.order)) $('user').value = payer;
    render(detail);
  }

  function render(detail) {
    var o = detail.order;
    order = o;
    lastDetail = detail;
    skew = o.now - Date.now();
    show('order-card');
    show('log-card');
    $('avatar').textContent = (o.merchantName || '?').charAt(0);
    $('merchant-name').textContent = o.merchantName;
    $('amount').textContent = o.amountText.replace('¥', '');
    $('description').textContent = o.description;
    sim.replace($('state'), sim.badge(o.state), el('span', { class: 'sub', text: ` ${o.stateDesc}` }));
    $('out-trade-no').textContent = o.outTradeNo;
    $('trade-type').textContent = `${o.tradeType} · API ${o.apiVersion}`;
    notice(
      'payer-notice',
      o.designatedUser && isOpen(o)
        ? t('phone.designated', { user: o.designatedUser, tradeType: o.tradeType })
        : '',
    );
    if (o.expired && OPEN_STATES.indexOf(o.state) >= 0) {
      notice('action-notice', t('phone.expired'), 'error');
    }
    if (o.state !== 'PAYERROR') retrying = false;
    var result = o.state === 'PAYERROR' && retrying ? undefined : RESULTS[o.state];
    show('sheet', !result);
    show('result', !!result);
    show('retry', o.state === 'PAYERROR' && !o.expired);
    if (result) {
      $('result').className = `result ${result.cls}`;
      $('result-title').textContent = t(result.title);
      $('result-amount').textContent = o.amountText.replace('¥', '');
      $('result-merchant').textContent = o.merchantName;
      $('transaction-id').textContent = o.transactionId || '—';
      $('result-payer').textContent = o.payerUser || '—';
    }
    setButtons();
    tick();
    renderLog(detail.notifications);
  }

  function setButtons() {
    var open = !!order && isOpen(order) && !busy;
    ['pay', 'cancel', 'fail'].forEach((id) => {
      $(id).disabled = !open;
    });
    // A retry after a decline can be paid or abandoned; the bank's decline is not asked for twice.
    if (order && order.state === 'PAYERROR') $('fail').disabled = true;
  }

  function tick() {
    if (!order) return;
    var left = order.expiresAt - (Date.now() + skew);
    $('countdown').textContent =
      OPEN_STATES.indexOf(order.state) >= 0 ? (left > 0 ? sim.duration(left) : t('phone.expiredShort')) : '—';
  }

  function renderLog(notifications) {
    var key = JSON.stringify(notifications);
    if (key === lastLog) return;
    lastLog = key;
    if (notifications.length === 0) {
      sim.replace(
        $('log'),
        el('div', {
          class: 'empty',
          text: t('phone.noNotification'),
        }),
      );
      return;
    }
    sim.replace.apply(null, [$('log')].concat(notifications.map(logItem)));
  }

  function logItem(n) {
    var next =
      n.status === 'pending' && n.nextAttemptAt
        ? el('span', { class: 'sub', text: t('phone.nextAttempt', { time: sim.time(n.nextAttemptAt) }) })
        : null;
    var head = el(
      'div',
      { class: 'log-head' },
      el('span', { class: 'event', text: n.event }),
      el('span', { 'data-testid': 'notify-status' }, sim.badge(n.status)),
      next,
      el('span', { class: 'spacer' }),
      el('button', {
        class: 'small',
        'data-testid': 'resend',
        text: t('phone.resend'),
        onclick: () => {
          resend(n.id);
        },
      }),
    );
    var where = el(
      'div',
      { class: 'sub log-url' },
      `${n.apiVersion} · POST `,
      el('span', { class: 'mono', text: n.url }),
    );
    var rows = n.attempts.map((a, i) => {
      var waiting = a.httpStatus === undefined && !a.error && !a.fault;
      return el(
        'tr',
        { 'data-testid': 'attempt' },
        el('td', { text: i + 1 + (a.manual ? ` ${t('phone.manual')}` : '') }),
        el('td', { text: sim.time(a.at) }),
        el('td', {
          'data-testid': 'attempt-http',
          text: a.httpStatus !== undefined ? String(a.httpStatus) : '—',
        }),
        el(
          'td',
          { 'data-testid': 'attempt-ack' },
          waiting ? sim.badge('…', 'info') : a.acked ? sim.badge('ACK', 'ok') : sim.badge('no ACK', 'bad'),
        ),
        el('td', {
          class: 'sub',
          text:
            a.error ||
            (a.fault ? `fault: ${a.fault}` : a.durationMs !== undefined ? `${a.durationMs} ms` : ''),
        }),
      );
    });
    var table = el(
      'table',
      { class: 'attempts' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { text: '#' }),
          el('th', { text: t('phone.time') }),
          el('th', { text: 'HTTP' }),
          el('th', { text: 'ACK' }),
          el('th', { text: t('phone.note') }),
        ),
      ),
      el('tbody', {}, ...rows),
    );
    var body =
      n.attempts.length > 0
        ? table
        : el('div', { class: 'empty', text: n.error || t('phone.waitingToSend') });
    return el('div', { class: 'log-item', 'data-testid': 'notification' }, head, where, body);
  }

  function act(action) {
    if (!ref || busy) return;
    busy = true;
    setButtons();
    notice('action-notice', '');
    var body = action === 'pay' ? { user: $('user').value } : {};
    sim
      .api('POST', `/orders/${encodeURIComponent(ref)}/${action}`, body)
      .then((detail) => {
        if (action === 'cancel') notice('action-notice', t('phone.cancelled'), 'ok');
        render(detail);
        return loadUsers();
      })
      .catch((e) => {
        notice('action-notice', `${e.message} (${e.code})`, 'error');
      })
      .then(() => {
        busy = false;
        setButtons();
      });
  }

  function resend(id) {
    sim
      .api('POST', `/notifications/${encodeURIComponent(id)}/resend`, {})
      .then(poll)
      .catch((e) => {
        notice('action-notice', e.message, 'error');
      });
  }

  function poll() {
    if (!ref || polling) return;
    polling = true;
    sim
      .api('GET', `/orders/${encodeURIComponent(ref)}`)
      .then(render)
      .catch(() => {})
      .then(() => {
        polling = false;
      });
  }

  function reset() {
    ref = null;
    order = null;
    show('order-card', false);
    show('log-card', false);
    history.replaceState(null, '', location.pathname);
    $('scan-input').value = '';
    $('scan-input').focus();
  }

  $('user').addEventListener('change', () => {
    localStorage.setItem(USER_KEY, $('user').value);
  });
  $('scan-button').addEventListener('click', () => {
    scan($('scan-input').value);
  });
  $('scan-input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') scan($('scan-input').value);
  });
  $('pay').addEventListener('click', () => {
    act('pay');
  });
  $('cancel').addEventListener('click', () => {
    act('cancel');
  });
  $('fail').addEventListener('click', () => {
    act('fail');
  });
  $('done').addEventListener('click', reset);
  $('retry').addEventListener('click', () => {
    retrying = true;
    notice('action-notice', '');
    if (order) render(lastDetail);
  });
  // A language switch redraws the order and its log in the new words.
  window.simI18n.onLanguageChange(() => {
    lastLog = '';
    if (order) render(lastDetail);
  });
  setInterval(poll, 1000);
  setInterval(tick, 1000);

  var params = new URLSearchParams(location.search);
  loadUsers()
    .then(() => {
      var codeUrl = params.get('code_url');
      var reference = params.get('prepay_id') || params.get('ref');
      if (codeUrl) {
        $('scan-input').value = codeUrl;
        scan(codeUrl);
      } else if (reference) openRef(reference);
    })
    .catch((e) => {
      notice('scan-notice', t('phone.unreachable', { message: e.message }), 'error');
    });
})();
