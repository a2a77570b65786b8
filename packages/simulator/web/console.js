/**
 * The console's behaviour (`/_sim/assets/console.js`): tables refreshed every two seconds from the
 * control API, redrawn only when their data changed so a button is never replaced under the cursor.
 */
'use strict';
(() => {
  var sim = window.sim;
  var el = sim.el;
  var drawn = {};
  var ADVANCES = [
    ['+1 min', { minutes: 1 }],
    ['+5 min', { minutes: 5 }],
    ['+2 h', { hours: 2 }],
    ['+1 day', { days: 1 }],
  ];

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
      : [el('tr', {}, el('td', { class: 'sub', colspan: String(headers.length), text: '无 none' }))];
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
      ? `已快进 ahead of real time by ${sim.duration(clock.offsetMs)}`
      : '与真实时间一致 real time';
  }

  function drawMerchants(merchants) {
    table(
      'merchants',
      ['商户号 mchid', '名称 name', 'Apps', 'v3 签名 signing', '模式一回调 mode-1 callback', ''],
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
          cell(el('a', { href: `/_sim/merchants/${m.mchid}/config`, target: '_blank', text: '配置 config' })),
        );
      }),
      merchants,
    );
  }

  function drawOrders(orders) {
    table(
      'orders',
      [
        '创建 created',
        '商户单号 out_trade_no',
        '商户 mchid',
        '类型 type',
        '描述 description',
        '金额 amount',
        '状态 state',
        '微信单号 transaction_id',
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
              text: '手机 phone',
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
        '创建 created',
        '退款单号 out_refund_no',
        '订单 out_trade_no',
        '金额 amount',
        '状态 status',
        '结果 outcome',
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
        '创建 created',
        '事件 event',
        '订单 order',
        '状态 status',
        '尝试 attempts',
        '最近 last',
        '下次 next',
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
            button('重发 Resend', () => {
              post('POST', `/notifications/${encodeURIComponent(n.id)}/resend`, {});
            }),
            ' ',
            el('a', {
              href: `/_sim/notifications/${encodeURIComponent(n.id)}`,
              target: '_blank',
              text: '详情 detail',
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
      ['API', '类型 kind', '概率 p', '剩余 times', ''],
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
              '删除 remove',
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
      if (r) $('probe-result').textContent = `待发 pending: ${r.pending}`;
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
  setInterval(() => {
    if ($('auto').checked) refresh();
  }, 2000);
  refresh();
})();
