/**
 * The H5 cashier's script (`/_sim/assets/h5-cashier.js`): lists the simulated users, pays or cancels
 * through the control API, then leaves for `redirect_url` — WeChat's way back to the merchant after
 * the WeChat app, whatever the outcome — or, without one, back to the page that opened the cashier.
 */
'use strict';
(() => {
  var t = window.simI18n.t;
  var card = document.getElementById('cashier');
  var prepayId = card.dataset.prepayId;
  var redirectUrl = card.dataset.redirectUrl;
  var select = document.getElementById('user');
  var notice = document.getElementById('notice');
  var buttons = [document.getElementById('pay'), document.getElementById('cancel')];

  function show(text, kind) {
    notice.textContent = text;
    notice.className = `notice ${kind || ''}`;
  }

  function leave() {
    if (redirectUrl) location.replace(redirectUrl);
    else history.back();
  }

  function act(action, done) {
    buttons.forEach((b) => {
      b.disabled = true;
    });
    var body = action === 'pay' ? { user: select.value } : {};
    sim
      .api('POST', `/orders/${encodeURIComponent(prepayId)}/${action}`, body)
      .then(() => {
        show(done, 'ok');
        setTimeout(leave, 300);
      })
      .catch((error) => {
        show(error.message, 'error');
        buttons.forEach((b) => {
          b.disabled = false;
        });
      });
  }

  sim
    .api('GET', '/users')
    .then((users) => {
      users.forEach((user) => {
        select.append(sim.el('option', { value: user.id, text: user.nickname }));
      });
    })
    .catch((error) => {
      show(error.message, 'error');
    });

  buttons[0].addEventListener('click', () => {
    act('pay', t('h5.paid'));
  });
  buttons[1].addEventListener('click', () => {
    act('cancel', t('h5.cancelled'));
  });
})();
