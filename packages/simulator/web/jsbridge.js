/**
 * The stand-in `WeixinJSBridge` and JS-SDK `wx` (`/_sim/jsbridge.js`), loaded by a merchant's page
 * on its own origin. It finds the simulator from its own `src`, so it works wherever it is loaded
 * from, and builds its pay sheet in a shadow root with styles set through the DOM: no stylesheet, no
 * asset, no id or class the page could clash with, and nothing a `style-src` CSP would block. Each
 * stand-in is defined only where the real one is missing.
 */
(() => {
  'use strict';
  var realBridge = Boolean(window.WeixinJSBridge);
  if (realBridge && window.wx) return;

  var script =
    document.currentScript ||
    (() => {
      var found = document.querySelectorAll('script[src*="/_sim/jsbridge.js"]');
      return found[found.length - 1];
    })();
  var BASE = script?.src ? script.src.replace(/\/_sim\/jsbridge\.js(?:[?#].*)?$/, '') : location.origin;
  var FONT =
    '-apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif';
  var GREEN = '#07c160';
  var open = null;
  // Its words, in the merchant page's language (`<html lang>`, which the kit's pages set): this
  // file is loaded cross-origin as one classic script, so it cannot import the pages' catalogue.
  var WORDS = {
    'zh-CN': {
      httpError: '模拟器返回 HTTP {status}',
      unreachable: '无法连接微信支付模拟器 {base}',
      sheet: '微信支付 (模拟器)',
      brand: '微信支付 · 模拟器',
      ok: '确定',
      failed: '支付失败',
      confirm: '确认支付',
      cancel: '取消',
      fail: '模拟支付失败（银行拒绝）',
      payer: '付款人 {nickname} · {openid}',
      paying: '支付中…',
      busy: '已有一笔支付正在进行',
      loading: '正在加载…',
    },
    en: {
      httpError: 'The simulator answered HTTP {status}',
      unreachable: 'Cannot reach the WeChat Pay simulator at {base}',
      sheet: 'WeChat Pay (simulator)',
      brand: 'WeChat Pay · simulator',
      ok: 'OK',
      failed: 'Payment failed',
      confirm: 'Pay',
      cancel: 'Cancel',
      fail: 'Simulate a failure (bank declines)',
      payer: 'Payer {nickname} · {openid}',
      paying: 'Paying…',
      busy: 'A payment is already in progress',
      loading: 'Loading…',
    },
  };
  function say(key, params) {
    var words = /^zh/i.test(document.documentElement.lang || 'zh-CN') ? WORDS['zh-CN'] : WORDS.en;
    return words[key].replace(/\{(\w+)\}/g, (_whole, name) => String(params?.[name] ?? ''));
  }

  function post(path, body) {
    return fetch(BASE + path, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(
      (res) =>
        res.text().then((text) => {
          var data = {};
          try {
            data = text ? JSON.parse(text) : {};
          } catch (_e) {
            data = {};
          }
          if (!res.ok) throw new Error(data.message || say('httpError', { status: res.status }));
          return data;
        }),
      () => {
        throw new Error(say('unreachable', { base: BASE }));
      },
    );
  }

  function h(tag, style, props, children) {
    var node = document.createElement(tag);
    var name;
    for (name in style) node.style[name] = style[name];
    for (name in props || {}) {
      if (name === 'text') node.textContent = props[name];
      else node.setAttribute(name, props[name]);
    }
    (children || []).forEach((child) => {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function button(testid, label, primary) {
    return h(
      'button',
      {
        display: 'block',
        width: '100%',
        margin: '10px 0 0',
        padding: '12px 0',
        border: '0',
        borderRadius: '8px',
        font: `500 17px ${FONT}`,
        cursor: 'pointer',
        background: primary ? GREEN : '#f2f2f2',
        color: primary ? '#fff' : testid === 'sim-pay-fail' ? '#fa5151' : '#111',
      },
      { type: 'button', 'data-testid': testid, text: label },
    );
  }

  function Sheet() {
    this.host = h(
      'div',
      { position: 'fixed', left: '0', top: '0', right: '0', bottom: '0', zIndex: '2147483647' },
      { 'data-wechatpay-kit-sim': 'pay-sheet' },
    );
    var root = this.host.attachShadow ? this.host.attachShadow({ mode: 'open' }) : this.host;
    this.card = h(
      'div',
      {
        width: '100%',
        maxWidth: '480px',
        boxSizing: 'border-box',
        padding: '20px 20px 28px',
        background: '#fff',
        borderRadius: '14px 14px 0 0',
        color: '#111',
        font: `15px/1.5 ${FONT}`,
        textAlign: 'center',
        boxShadow: '0 -4px 24px rgba(0,0,0,.2)',
      },
      {
        role: 'dialog',
        'aria-modal': 'true',
        'aria-label': say('sheet'),
        'data-testid': 'sim-pay-sheet',
      },
    );
    root.appendChild(
      h(
        'div',
        {
          position: 'absolute',
          left: '0',
          top: '0',
          right: '0',
          bottom: '0',
          background: 'rgba(0,0,0,.55)',
          display: 'flex',
          alignItems: 'flex-end',
          justifyContent: 'center',
        },
        null,
        [this.card],
      ),
    );
    (document.body || document.documentElement).appendChild(this.host);
  }
  Sheet.prototype.show = function (children) {
    this.card.textContent = '';
    this.card.appendChild(
      h('div', { font: `500 13px ${FONT}`, color: '#888', marginBottom: '12px' }, { text: say('brand') }),
    );
    var card = this.card;
    children.forEach((child) => {
      card.appendChild(child);
    });
  };
  Sheet.prototype.close = function () {
    if (this.host.parentNode) this.host.parentNode.removeChild(this.host);
  };

  function finish(sheet, callback, result) {
    sheet.close();
    open = null;
    setTimeout(() => {
      if (typeof callback === 'function') callback(result);
    }, 0);
  }

  function showError(sheet, message, callback) {
    var ok = button('sim-pay-dismiss', say('ok'), true);
    sheet.show([
      h('div', { font: `500 18px ${FONT}`, margin: '4px 0 8px' }, { text: say('failed') }),
      h(
        'div',
        { color: '#fa5151', margin: '0 0 12px', wordBreak: 'break-word' },
        { 'data-testid': 'sim-pay-error', role: 'alert', text: message },
      ),
      ok,
    ]);
    ok.addEventListener('click', () => {
      finish(sheet, callback, { err_msg: 'get_brand_wcpay_request:fail', err_desc: message });
    });
  }

  function showOrder(sheet, order, request, callback) {
    var confirm = button('sim-pay-confirm', say('confirm'), true);
    var cancel = button('sim-pay-cancel', say('cancel'));
    var fail = button('sim-pay-fail', say('fail'));
    var status = h(
      'div',
      { color: '#888', minHeight: '1.5em', marginTop: '8px' },
      { 'data-testid': 'sim-pay-status' },
    );
    sheet.show([
      h('div', { font: `500 16px ${FONT}` }, { 'data-testid': 'sim-pay-merchant', text: order.merchantName }),
      h(
        'div',
        { color: '#666', margin: '4px 0 0' },
        { 'data-testid': 'sim-pay-description', text: order.description },
      ),
      h(
        'div',
        { font: `600 36px ${FONT}`, margin: '14px 0 6px', letterSpacing: '.5px' },
        { 'data-testid': 'sim-pay-amount', text: `¥${(order.amountFen / 100).toFixed(2)}` },
      ),
      h(
        'div',
        { color: '#888', font: `13px ${FONT}`, marginBottom: '8px' },
        {
          'data-testid': 'sim-pay-payer',
          text: say('payer', { nickname: order.payerNickname, openid: order.payerOpenid }),
        },
      ),
      confirm,
      cancel,
      fail,
      status,
    ]);
    function act(action) {
      [confirm, cancel, fail].forEach((b) => {
        b.disabled = true;
      });
      status.textContent = action === 'pay' ? say('paying') : '';
      var body = Object.assign({}, request, { action: action });
      return post('/_sim/pay-requests/pay', body);
    }
    confirm.addEventListener('click', () => {
      act('pay').then(
        () => {
          finish(sheet, callback, { err_msg: 'get_brand_wcpay_request:ok' });
        },
        (error) => {
          showError(sheet, error.message, callback);
        },
      );
    });
    cancel.addEventListener('click', () => {
      var done = () => {
        finish(sheet, callback, { err_msg: 'get_brand_wcpay_request:cancel' });
      };
      act('cancel').then(done, done);
    });
    fail.addEventListener('click', () => {
      act('fail').then(
        (answer) => {
          finish(sheet, callback, {
            err_msg: 'get_brand_wcpay_request:fail',
            err_desc: answer.message || say('failed'),
          });
        },
        (error) => {
          showError(sheet, error.message, callback);
        },
      );
    });
  }

  function getBrandWCPayRequest(params, callback) {
    if (open) {
      setTimeout(() => {
        callback?.({ err_msg: 'get_brand_wcpay_request:fail', err_desc: say('busy') });
      }, 0);
      return;
    }
    var p = params || {};
    var request = {
      kind: 'jsapi',
      appId: p.appId,
      timeStamp: p.timeStamp,
      nonceStr: p.nonceStr,
      package: p.package,
      signType: p.signType,
      paySign: p.paySign,
    };
    open = new Sheet();
    var sheet = open;
    sheet.show([h('div', { color: '#888', padding: '24px 0' }, { text: say('loading') })]);
    post('/_sim/pay-requests/verify', request).then(
      (order) => {
        showOrder(sheet, order, request, callback);
      },
      (error) => {
        showError(sheet, error.message, callback);
      },
    );
  }

  if (!realBridge) defineBridge();
  if (!window.wx) defineJssdk();

  function defineBridge() {
    window.WeixinJSBridge = {
      simulator: BASE,
      invoke: (name, params, callback) => {
        if (name === 'getBrandWCPayRequest') return getBrandWCPayRequest(params, callback);
        setTimeout(() => {
          if (typeof callback === 'function') {
            callback({ err_msg: `${name}:fail`, err_desc: 'not supported by the simulator' });
          }
        }, 0);
      },
      on: () => {},
      call: () => {},
    };
    var ready = () => {
      var event;
      try {
        event = new Event('WeixinJSBridgeReady');
      } catch (_e) {
        event = document.createEvent('Event');
        event.initEvent('WeixinJSBridgeReady', false, false);
      }
      document.dispatchEvent(event);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', ready);
    else setTimeout(ready, 0);
  }

  /**
   * The JS-SDK as WeChat's browser runs it: `wx.config` is checked at the simulator against the
   * app's live jsapi_ticket (`POST /_sim/platform/jssdk/verify`, the page's URL without `#…`), then
   * `wx.ready` or `wx.error` callbacks run; `wx.chooseWXPay` needs a verified config listing it in
   * `jsApiList` and pays under the config's `appId` through the pay sheet above.
   */
  function defineJssdk() {
    var config = { state: 'idle', appId: '', jsApiList: [], failure: null, round: 0 };
    var readyFns = [];
    var errorFns = [];
    var later = (fn, arg) => {
      setTimeout(() => {
        fn(arg);
      }, 0);
    };
    var settle = (round, failure) => {
      if (round !== config.round) return; // a later wx.config replaced this one
      config.state = failure ? 'failed' : 'ready';
      config.failure = failure;
      (failure ? errorFns : readyFns).forEach((fn) => {
        later(fn, failure || undefined);
      });
    };
    var paid = (options, kind, res) => {
      if (typeof options[kind] === 'function') options[kind](res);
      if (typeof options.complete === 'function') options.complete(res);
    };
    window.wx = {
      simulator: BASE,
      config: (options) => {
        var o = options || {};
        var round = ++config.round;
        config.state = 'verifying';
        config.appId = o.appId;
        config.jsApiList = Array.isArray(o.jsApiList) ? o.jsApiList.slice() : [];
        post('/_sim/platform/jssdk/verify', {
          appId: o.appId,
          timestamp: o.timestamp,
          nonceStr: o.nonceStr,
          signature: o.signature,
          url: location.href,
        }).then(
          (answer) => {
            settle(
              round,
              answer.valid ? null : { errMsg: 'config:invalid signature', simHint: answer.reason || '' },
            );
          },
          (error) => {
            settle(round, { errMsg: 'config:fail', simHint: error.message });
          },
        );
      },
      ready: (fn) => {
        if (typeof fn !== 'function') return;
        if (config.state === 'ready') later(fn);
        else readyFns.push(fn);
      },
      error: (fn) => {
        if (typeof fn !== 'function') return;
        if (config.state === 'failed') later(fn, config.failure);
        else errorFns.push(fn);
      },
      chooseWXPay: (options) => {
        var o = options || {};
        if (config.state !== 'ready') {
          return later(() => {
            paid(o, 'fail', { errMsg: 'chooseWXPay:fail, the permission value is offline verifying' });
          });
        }
        if (config.jsApiList.indexOf('chooseWXPay') === -1) {
          return later(() => {
            paid(o, 'fail', { errMsg: 'chooseWXPay:permission denied' });
          });
        }
        var request = {
          appId: config.appId,
          timeStamp: o.timestamp === undefined ? undefined : String(o.timestamp),
          nonceStr: o.nonceStr,
          package: o.package,
          signType: o.signType,
          paySign: o.paySign,
        };
        window.WeixinJSBridge.invoke('getBrandWCPayRequest', request, (res) => {
          var result = String(res?.err_msg || '').replace(/^get_brand_wcpay_request:/, '');
          if (result === 'ok') paid(o, 'success', { errMsg: 'chooseWXPay:ok' });
          else if (result === 'cancel') paid(o, 'cancel', { errMsg: 'chooseWXPay:cancel' });
          else paid(o, 'fail', { errMsg: 'chooseWXPay:fail', simHint: res?.err_desc || '' });
        });
      },
    };
  }
})();
