/**
 * The console's behaviour (`/_sim/assets/console.js`): tables refreshed every two seconds from the
 * control API, redrawn only when their data changed so a button is never replaced under the cursor.
 */
'use strict';
(() => {
  var sim = window.sim;
  var el = sim.el;
  var t = window.simI18n.t;
  var drawn = {};
  var ADVANCES = [
    ['+1 min', { minutes: 1 }],
    ['+5 min', { minutes: 5 }],
    ['+2 h', { hours: 2 }],
    ['+1 day', { days: 1 }],
  ];

  /** A column header in the current language ('' stays empty). */
  function h(key) {
    return key ? t(key) : '';
  }

  function $(id) {
    return document.getElementById(id);
  }
  function fail(e) {
    var n = $('error');
    n.textContent = e.message + (e.code ? ` (${e.code})` : '');
    n.classList.remove('hidden');
  }
  function ok() {
    $('error').classList.add('hidden');
  }
  function post(method, path, body) {
    return sim
      .api(method, path, body)
      .then((r) => {
        ok();
        refresh();
        return r;
      })
      .catch(fail);
  }
  function numberOf(id) {
    var v = $(id).value;
    return v === '' ? undefined : Number(v);
  }

  function table(id, headers, rows, data) {
    var key = JSON.stringify(data);
    if (drawn[id] === key) return;
    drawn[id] = key;
    var head = el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h }))));
    var body = rows.length
      ? rows
      : [el('tr', {}, el('td', { class: 'sub', colspan: String(headers.length), text: t('console.none') }))];
    sim.replace($(id), head, el('tbody', {}, ...body));
  }
  function td(text, cls) {
    return el('td', { class: cls, text: text === undefined || text === null ? '' : String(text) });
  }
  function cell(...children) {
    return el('td', {}, ...children);
  }
  function button(text, onclick, cls) {
    return el('button', { class: `small ${cls || ''}`, text: text, onclick: onclick });
  }

  function drawClock(clock) {
    $('clock-now').textContent = `${sim.time(clock.now, true)} (UTC+8)`;
    $('clock-offset').textContent = clock.offsetMs
      ? t('console.ahead', { duration: sim.duration(clock.offsetMs) })
      : t('console.realTime');
  }

  function drawMerchants(merchants) {
    table(
      'merchants',
      [
        'console.col.mchid',
        'console.col.name',
        'console.col.apps',
        'console.col.signing',
        'console.col.mode1',
        '',
      ].map(h),
      merchants.map((m) => {
        var mode = el(
          'select',
          {
            onchange: (e) => {
              post('PATCH', `/merchants/${m.mchid}`, { v3SigningMode: e.target.value });
            },
          },
          el('option', {
            value: 'public-key',
            text: `public-key ${m.publicKeyId}`,
            selected: m.v3SigningMode === 'public-key',
          }),
          el('option', {
            value: 'certificates',
            text: `certificates ${m.platformSerialNo}`,
            selected: m.v3SigningMode === 'certificates',
          }),
        );
        return el(
          'tr',
          {},
          td(m.mchid, 'mono'),
          td(m.name),
          cell(...m.apps.map((a) => el('div', { class: 'mono', text: `${a.appid} · ${a.kind}` }))),
          cell(mode),
          td(m.nativeCallbackUrl || '—', 'mono'),
          cell(
            el('a', {
              href: `/_sim/merchants/${m.mchid}/config`,
              target: '_blank',
              text: t('console.config'),
            }),
          ),
        );
      }),
      merchants,
    );
  }

  function drawOrders(orders) {
    table(
      'orders',
      [
        h('console.col.created'),
        h('console.col.outTradeNo'),
        h('console.col.merchant'),
        h('console.col.type'),
        h('console.col.description'),
        h('console.col.amount'),
        h('console.col.state'),
        h('console.col.transactionId'),
        '',
      ],
      orders.map((o) =>
        el(
          'tr',
          {},
          td(sim.time(o.createdAt, true)),
          td(o.outTradeNo, 'mono'),
          td(o.mchid, 'mono'),
          td(`${o.tradeType} · ${o.apiVersion}`),
          td(o.description),
          td(o.amountText, 'num'),
          cell(sim.badge(o.state)),
          td(o.transactionId || '', 'mono'),
          cell(
            el('a', {
              href: `/_sim/phone?prepay_id=${encodeURIComponent(o.prepayId)}`,
              target: '_blank',
              text: t('console.phoneLink'),
            }),
          ),
        ),
      ),
      orders,
    );
  }

  function drawRefunds(refunds) {
    table(
      'refunds',
      [
        h('console.col.created'),
        h('console.col.outRefundNo'),
        h('console.col.order'),
        h('console.col.amount'),
        h('console.col.status'),
        h('console.col.outcome'),
        '',
      ],
      refunds.map((r) => {
        var settle = (outcome) =>
          button(outcome, () => {
            post('POST', `/refunds/${r.mchid}/${encodeURIComponent(r.outRefundNo)}/settle`, {
              outcome: outcome,
            });
          });
        return el(
          'tr',
          {},
          td(sim.time(r.createdAt, true)),
          td(r.outRefundNo, 'mono'),
          td(r.outTradeNo, 'mono'),
          td(r.amountText, 'num'),
          cell(sim.badge(r.status)),
          td(r.outcome || ''),
          r.status === 'PROCESSING'
            ? cell(settle('SUCCESS'), ' ', settle('ABNORMAL'), ' ', settle('CLOSED'))
            : td(''),
        );
      }),
      refunds,
    );
  }

  function drawNotifications(list) {
    table(
      'notifications',
      [
        h('console.col.created'),
        h('console.col.event'),
        h('console.col.orderShort'),
        h('console.col.status'),
        h('console.col.attempts'),
        h('console.col.last'),
        h('console.col.next'),
        '',
      ],
      list.map((n) => {
        var last = n.lastAttempt;
        var lastText = last
          ? (last.httpStatus !== undefined ? `HTTP ${last.httpStatus}` : '') +
            (last.acked ? ' ACK' : '') +
            (last.error ? ` ${last.error}` : '') +
            (last.fault ? ` fault: ${last.fault}` : '')
          : '';
        return el(
          'tr',
          {},
          td(sim.time(n.createdAt, true)),
          td(`${n.event} · ${n.apiVersion}`),
          td(n.outTradeNo + (n.outRefundNo ? ` / ${n.outRefundNo}` : ''), 'mono'),
          cell(sim.badge(n.status)),
          td(n.attemptCount, 'num'),
          td(lastText),
          td(n.status === 'pending' ? sim.time(n.nextAttemptAt) : ''),
          cell(
            button(t('console.resend'), () => {
              post('POST', `/notifications/${encodeURIComponent(n.id)}/resend`, {});
            }),
            ' ',
            el('a', {
              href: `/_sim/notifications/${encodeURIComponent(n.id)}`,
              target: '_blank',
              text: t('console.detail'),
            }),
          ),
        );
      }),
      list,
    );
  }

  function drawFaults(faults) {
    table(
      'fault-rules',
      ['API', h('console.col.kind'), h('console.col.p'), h('console.col.times'), ''],
      faults.api.map((rule, i) =>
        el(
          'tr',
          {},
          td(rule.api, 'mono'),
          td(rule.kind),
          td(rule.probability === undefined ? 1 : rule.probability, 'num'),
          td(rule.times === undefined ? '∞' : rule.times, 'num'),
          cell(
            button(
              t('console.remove'),
              () => {
                post('PUT', '/faults', { api: faults.api.filter((_r, j) => j !== i) });
              },
              'danger',
            ),
          ),
        ),
      ),
      faults.api,
    );
    var key = JSON.stringify(faults.notify);
    if (drawn.notify !== key) {
      drawn.notify = key;
      $('nf-drop').value = faults.notify.dropProbability;
      $('nf-dup').value = faults.notify.duplicateProbability;
      $('nf-delay').value = faults.notify.delayProbability;
      $('nf-delay-ms').value = faults.notify.delayMs;
      $('nf-reorder').checked = faults.notify.reorder;
    }
  }

  function drawBehaviour(behaviour) {
    var key = JSON.stringify(behaviour);
    if (drawn.behaviour === key) return;
    drawn.behaviour = key;
    $('settle-delay').value = behaviour.settleDelayMs;
    $('next-outcome').value = behaviour.nextOutcome;
  }

  function refresh() {
    var state = $('order-state').value;
    var status = $('notify-status').value;
    return Promise.all([
      sim.api('GET', '/clock').then(drawClock),
      sim.api('GET', '/merchants').then(drawMerchants),
      sim.api('GET', `/orders${state ? `?state=${state}` : ''}`).then(drawOrders),
      sim.api('GET', '/refunds').then(drawRefunds),
      sim.api('GET', '/refunds/behaviour').then(drawBehaviour),
      sim.api('GET', `/notifications${status ? `?status=${status}` : ''}`).then(drawNotifications),
      sim.api('GET', '/faults').then(drawFaults),
    ])
      .then(ok)
      .catch(fail);
  }

  ADVANCES.forEach((entry) => {
    $('clock-buttons').append(
      el('button', {
        text: entry[0],
        onclick: () => {
          post('POST', '/clock/advance', entry[1]);
        },
      }),
    );
  });
  $('fault-add').addEventListener('click', () => {
    sim
      .api('GET', '/faults')
      .then((faults) => {
        var rule = {
          api: $('fault-api').value.trim(),
          kind: $('fault-kind').value,
          probability: numberOf('fault-probability'),
          times: numberOf('fault-times'),
        };
        return post('PUT', '/faults', { api: faults.api.concat([rule]) });
      })
      .catch(fail);
  });
  $('nf-apply').addEventListener('click', () => {
    post('PUT', '/faults', {
      notify: {
        dropProbability: numberOf('nf-drop') || 0,
        duplicateProbability: numberOf('nf-dup') || 0,
        delayProbability: numberOf('nf-delay') || 0,
        delayMs: numberOf('nf-delay-ms') || 0,
        reorder: $('nf-reorder').checked,
      },
    });
  });
  $('faults-clear').addEventListener('click', () => {
    post('DELETE', '/faults');
  });
  $('probe').addEventListener('click', () => {
    post('POST', '/probe-signatures', { count: numberOf('probe-count') || 1 }).then((r) => {
      if (r) $('probe-result').textContent = t('console.pending', { n: r.pending });
    });
  });
  $('behaviour-apply').addEventListener('click', () => {
    post('PUT', '/refunds/behaviour', {
      settleDelayMs: numberOf('settle-delay'),
      nextOutcome: $('next-outcome').value,
    });
  });
  $('order-state').addEventListener('change', refresh);
  $('notify-status').addEventListener('change', refresh);
  $('refresh').addEventListener('click', refresh);
  // A language switch redraws the tables (not the forms: what is typed there stays).
  window.simI18n.onLanguageChange(() => {
    for (const id of Object.keys(drawn)) if (id !== 'notify' && id !== 'behaviour') delete drawn[id];
    refresh();
  });
  setInterval(() => {
    if ($('auto').checked) refresh();
  }, 2000);
  refresh();
})();
