/**
 * Browser helpers shared by the phone page and the console (`/_sim/assets/common.js`): a fetch
 * wrapper for the control API and a tiny element builder. Elements are built with `textContent`,
 * never `innerHTML`, because order descriptions and merchant answers are arbitrary text.
 */
'use strict';
window.sim = (() => {
  function api(method, path, body) {
    var init = { method: method, headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(`/_sim${path}`, init).then((res) =>
      res.text().then((text) => {
        var data = {};
        try {
          data = text ? JSON.parse(text) : {};
        } catch (_e) {
          data = { message: text };
        }
        if (!res.ok) {
          const error = new Error(data.message || `HTTP ${res.status}`);
          error.code = data.error || String(res.status);
          throw error;
        }
        return data;
      }),
    );
  }

  function el(tag, attrs, ...children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach((key) => {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    });
    children.forEach((child) => {
      if (child === undefined || child === null || child === false) return;
      node.append(child);
    });
    return node;
  }

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  /** Simulated times are shown in Beijing time, as WeChat shows them. */
  function time(ms, withDate) {
    if (!ms) return '';
    var d = new Date(ms + 8 * 3600000);
    var hms = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    if (!withDate) return hms;
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hms}`;
  }

  function duration(ms) {
    if (ms <= 0) return '0:00';
    var s = Math.floor(ms / 1000);
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    return `${h > 0 ? `${h}:${pad(m)}` : String(m)}:${pad(s % 60)}`;
  }

  var STATE_BADGE = {
    NOTPAY: 'warn',
    USERPAYING: 'info',
    SUCCESS: 'ok',
    REFUND: 'info',
    CLOSED: '',
    REVOKED: '',
    PAYERROR: 'bad',
    PROCESSING: 'info',
    ABNORMAL: 'bad',
    pending: 'warn',
    delivered: 'ok',
    failed: 'bad',
  };

  function badge(text, kind) {
    var cls = kind !== undefined ? kind : STATE_BADGE[text] || '';
    return el('span', { class: `badge ${cls}`, text: text });
  }

  function replace(node, ...children) {
    node.replaceChildren(...children);
  }

  return { api: api, el: el, time: time, duration: duration, badge: badge, replace: replace };
})();
