// The owner's Users tab: add an admin user with a role and a first password, change the role,
// disable or enable them, reset a password. The server refuses demoting the last owner.

import {
  $,
  api,
  el,
  loadFailed,
  msg,
  renderMessageRow,
  setText,
  showConsole,
  showError,
} from './admin-dom.js';
import { formatTime } from './admin-format.js';
import { say, t } from './messages.js';

/** The roles an owner can give, each `role.<name>` in the catalogue. */
const ROLES = ['owner', 'operator', 'viewer'];

export async function loadUsers() {
  let users;
  try {
    users = await api('/api/admin/users');
  } catch (error) {
    if (error.status !== 401) renderMessageRow($('user-rows'), 5, loadFailed(error));
    return;
  }
  showConsole();
  const rows = users.map((user) => {
    const role = el(
      'select',
      { 'aria-label': t('users.roleOf', { username: user.username }), className: 'role-select' },
      ...ROLES.map((value) =>
        say(el('option', { value, ...(value === user.role ? { selected: '' } : {}) }), `role.${value}`),
      ),
    );
    role.addEventListener('change', () =>
      change(user, { role: role.value }, msg('users.roleSet', { role: { key: `role.${role.value}` } })),
    );
    const password = el('input', {
      type: 'password',
      className: 'password-input',
      placeholder: t('users.newPassword'),
      autocomplete: 'new-password',
      minlength: '10',
      maxlength: '128',
      'aria-label': t('users.newPasswordOf', { username: user.username }),
    });
    return el(
      'tr',
      {
        className: user.disabled ? 'withdrawn' : null,
        dataset: { username: user.username, role: user.role },
      },
      el('td', { className: 'mono' }, user.username),
      el('td', {}, role),
      el(
        'td',
        {},
        msg(user.disabled ? 'users.disabled' : 'users.enabled'),
        ' ',
        el(
          'button',
          {
            type: 'button',
            className: 'btn small secondary',
            onclick: () =>
              change(
                user,
                { disabled: !user.disabled },
                msg(user.disabled ? 'users.nowEnabled' : 'users.nowDisabled'),
              ),
          },
          msg(user.disabled ? 'users.enable' : 'users.disable'),
        ),
      ),
      el('td', {}, formatTime(user.createdAt)),
      el(
        'td',
        {},
        password,
        el(
          'button',
          {
            type: 'button',
            className: 'btn small secondary',
            onclick: () => resetPassword(user, password.value),
          },
          msg('users.reset'),
        ),
      ),
    );
  });
  if (rows.length === 0) renderMessageRow($('user-rows'), 5, msg('users.none'));
  else $('user-rows').replaceChildren(...rows);
}

async function change(user, body, done) {
  $('user-error').hidden = true;
  $('user-notice').hidden = true;
  try {
    await api(`/api/admin/users/${encodeURIComponent(user.id)}`, {
      method: 'PATCH',
      body: JSON.stringify(body),
    });
    $('user-notice').hidden = false;
    setText($('user-notice'), msg('users.done', { username: user.username, done }));
  } catch (error) {
    showError($('user-error'), error);
  }
  await loadUsers();
}

function resetPassword(user, password) {
  if (password.length < 10) {
    showError($('user-error'), msg('users.shortPassword'));
    return;
  }
  return change(user, { password }, msg('users.passwordReset'));
}

async function addUser(event) {
  event.preventDefault();
  $('user-error').hidden = true;
  $('user-notice').hidden = true;
  try {
    const created = await api('/api/admin/users', {
      method: 'POST',
      body: JSON.stringify({
        username: $('new-user-name').value.trim(),
        password: $('new-user-password').value,
        role: $('new-user-role').value,
      }),
    });
    $('new-user').reset();
    $('user-notice').hidden = false;
    setText(
      $('user-notice'),
      msg('users.added', { username: created.username, role: { key: `role.${created.role}` } }),
    );
  } catch (error) {
    showError($('user-error'), error);
  }
  await loadUsers();
}

export function wireUsers() {
  $('new-user').addEventListener('submit', addUser);
}
