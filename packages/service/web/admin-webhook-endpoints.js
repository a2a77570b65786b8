// The webhook tab's endpoints: the environment's WEBHOOK_URL (read-only) and those added here. One
// form adds an endpoint or, after "Edit", changes one; a new or rotated secret is shown once, in a
// box the admin closes after saving it — it is never shown again, nor kept by this page.

import { $, api, el, showError } from './admin-dom.js';
import { formatTime } from './admin-format.js';

let editing = null;

export function renderEndpoints(endpoints, reload) {
  const rows = endpoints.map((e) =>
    el(
      'tr',
      {
        className: e.enabled ? null : 'withdrawn',
        dataset: { endpointId: e.id, enabled: String(e.enabled) },
      },
      el(
        'td',
        { className: 'endpoint-cell' },
        el('div', { className: 'mono' }, e.url),
        el('div', { className: 'muted small' }, e.description ? `${e.id} · ${e.description}` : e.id),
      ),
      el('td', { className: 'small' }, e.events ? e.events.join(', ') : '全部事件 all events'),
      el('td', {}, e.readOnly ? '环境变量 from env' : e.enabled ? '启用 enabled' : '已停用 disabled'),
      el(
        'td',
        { className: 'small' },
        e.previousSecretUntil
          ? `旧密钥同时签名至 old one signs until ${formatTime(e.previousSecretUntil)}`
          : e.secretRotatedAt
            ? `更换于 rotated ${formatTime(e.secretRotatedAt)}`
            : '',
      ),
      el('td', { className: 'endpoint-actions' }, ...(e.readOnly ? [] : actions(e, reload))),
    ),
  );
  $('webhook-endpoints').replaceChildren(
    ...(rows.length > 0
      ? rows
      : [
          el(
            'tr',
            {},
            el('td', { className: 'muted', colspan: '5' }, '还没有地址 No endpoints yet: add one above'),
          ),
        ]),
  );
}

function actions(endpoint, reload) {
  const button = (text, action, secondary = true) =>
    el(
      'button',
      { type: 'button', className: `btn small${secondary ? ' secondary' : ''}`, onclick: action },
      text,
    );
  return [
    button('编辑 Edit', () => startEditing(endpoint)),
    ' ',
    button('更换密钥 Rotate secret', () => rotate(endpoint, reload)),
    ' ',
    endpoint.enabled
      ? button('停用 Disable', () => send(`/${endpoint.id}`, { method: 'DELETE' }, reload))
      : button('启用 Enable', () =>
          send(`/${endpoint.id}`, { method: 'PATCH', body: JSON.stringify({ enabled: true }) }, reload),
        ),
  ];
}

async function send(path, init, reload) {
  $('endpoint-error').hidden = true;
  try {
    return await api(`/api/admin/webhooks/endpoints${path}`, init);
  } catch (error) {
    showError($('endpoint-error'), error);
    return null;
  } finally {
    await reload();
  }
}

async function rotate(endpoint, reload) {
  if (
    !window.confirm(
      `更换 ${endpoint.id} 的密钥？旧密钥还会一起签名 24 小时。\nRotate the secret of ${endpoint.id}? The old one keeps signing for 24 h.`,
    )
  )
    return;
  const rotated = await send(`/${endpoint.id}/rotate-secret`, { method: 'POST' }, reload);
  if (rotated)
    showSecret(
      rotated.secret,
      `${rotated.id} 的新密钥（只显示这一次；旧密钥 24 小时内仍然有效）New secret of ${rotated.id} — shown this once; the old one stays valid for 24 h`,
    );
}

function startEditing(endpoint) {
  editing = endpoint.id;
  $('endpoint-url').value = endpoint.url;
  $('endpoint-description').value = endpoint.description;
  for (const box of $('endpoint-events').querySelectorAll('input'))
    box.checked = endpoint.events?.includes(box.value) ?? true;
  $('endpoint-submit').textContent = `保存 ${endpoint.id} Save`;
  $('endpoint-cancel').hidden = false;
  $('endpoint-url').focus();
}

function stopEditing() {
  editing = null;
  $('endpoint-form').reset();
  $('endpoint-submit').textContent = '添加地址 Add endpoint';
  $('endpoint-cancel').hidden = true;
}

function showSecret(secret, text) {
  $('endpoint-secret').hidden = false;
  $('endpoint-secret-text').textContent = text;
  $('endpoint-secret-value').value = secret;
  $('endpoint-secret-copy').textContent = '复制 Copy';
  $('endpoint-secret-value').select();
}

function hideSecret() {
  $('endpoint-secret-value').value = '';
  $('endpoint-secret').hidden = true;
}

async function submit(event, reload) {
  event.preventDefault();
  const events = [...$('endpoint-events').querySelectorAll('input:checked')].map((box) => box.value);
  if (events.length === 0) {
    showError($('endpoint-error'), new Error('请至少选一个事件 Choose at least one event'));
    return;
  }
  const body = JSON.stringify({
    url: $('endpoint-url').value.trim(),
    events,
    description: $('endpoint-description').value.trim(),
  });
  const changing = editing;
  const answer = changing
    ? await send(`/${changing}`, { method: 'PATCH', body }, reload)
    : await send('', { method: 'POST', body }, reload);
  if (!answer) return;
  stopEditing();
  if (!changing)
    showSecret(
      answer.secret,
      `${answer.id} 的签名密钥：只显示这一次，请现在交给接收方（parseWebhook）。Signing secret of ${answer.id}: shown this once — give it to the receiver now.`,
    );
}

export function wireEndpoints(reload) {
  $('endpoint-form').addEventListener('submit', (event) => submit(event, reload));
  $('endpoint-cancel').addEventListener('click', stopEditing);
  $('endpoint-secret-done').addEventListener('click', hideSecret);
  $('endpoint-secret-copy').addEventListener('click', async () => {
    $('endpoint-secret-value').select();
    try {
      await navigator.clipboard.writeText($('endpoint-secret-value').value);
      $('endpoint-secret-copy').textContent = '已复制 Copied';
    } catch {
      $('endpoint-secret-copy').textContent = '请手动复制 Copy it by hand';
    }
  });
}
