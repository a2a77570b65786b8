// The owner's Users tab: add an admin user with a role and a first password, change the role,
// disable or enable them, reset a password. The server refuses demoting the last owner.

import { $, api, el, renderMessageRow, showConsole, showError } from './admin-dom.js';
import { formatTime } from './admin-format.js';

export const ROLE_WORDS = {
  owner: '所有者 owner',
  operator: '操作员 operator',
  viewer: '查看员 viewer',
};

export async function loadUsers() {
  let users;
  try {
    users = await api('/api/admin/users');
  } catch (error) {
    if (error.status !== 401) renderMessageRow($('user-rows'), 5, `加载失败 ${error.code}: ${error.message}`);
    return;
  }
  showConsole();
  const rows = users.map((user) => {
    const role = el(
      'select',
      { 'aria-label': `角色 Role of ${user.username}`, className: 'role-select' },
      ...Object.entries(ROLE_WORDS).map(([value, words]) =>
        el('option', { value, ...(value === user.role ? { selected: '' } : {}) }, words),
      ),
    );
    role.addEventListener('change', () =>
      change(user, { role: role.value }, `角色已改为 Role set to ${role.value}`),
    );
    const password = el('input', {
      type: 'password',
      className: 'password-input',
      placeholder: '新密码 New password (≥ 10)',
      autocomplete: 'new-password',
      minlength: '10',
      maxlength: '128',
      'aria-label': `新密码 New password of ${user.username}`,
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
        user.disabled ? '已停用 disabled ' : '启用 enabled ',
        el(
          'button',
          {
            type: 'button',
            className: 'btn small secondary',
            onclick: () =>
              change(
                user,
                { disabled: !user.disabled },
                user.disabled ? '已启用 Enabled' : '已停用，已退出登录 Disabled and signed out',
              ),
          },
          user.disabled ? '启用 Enable' : '停用 Disable',
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
          '重置 Reset',
        ),
      ),
    );
  });
  if (rows.length === 0)
    renderMessageRow($('user-rows'), 5, '还没有用户 No users yet: add the first one above');
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
    $('user-notice').textContent = `${user.username}: ${done}`;
  } catch (error) {
    showError($('user-error'), error);
  }
  await loadUsers();
}

function resetPassword(user, password) {
  if (password.length < 10) {
    showError($('user-error'), new Error('密码至少 10 个字符 A password has at least 10 characters.'));
    return;
  }
  return change(user, { password }, '密码已重置，已退出登录 Password reset; signed out everywhere');
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
    $('user-notice').textContent = `已添加 Added ${created.username} (${ROLE_WORDS[created.role]})`;
  } catch (error) {
    showError($('user-error'), error);
  }
  await loadUsers();
}

export function wireUsers() {
  $('new-user').addEventListener('submit', addUser);
}
