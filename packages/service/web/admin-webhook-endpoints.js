// The webhook tab's endpoints: the environment's WEBHOOK_URL (read-only) and those added here. One
// form adds an endpoint or, after "Edit", changes one; a new or rotated secret is shown once, in a
// box the admin closes after saving it — it is never shown again, nor kept by this page.

import { $, api, el, msg, setText, showError } from './admin-dom.js';
import { formatTime } from './admin-format.js';
import { t } from './messages.js';

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
      el('td', { className: 'small' }, e.events ? e.events.join(', ') : msg('webhooks.allEvents')),
      el(
        'td',
        {},
        msg(e.readOnly ? 'endpoints.fromEnv' : e.enabled ? 'endpoints.enabled' : 'endpoints.disabled'),
      ),
      el(
        'td',
        { className: 'small' },
        e.previousSecretUntil
          ? msg('endpoints.oldSignsUntil', { at: formatTime(e.previousSecretUntil) })
          : e.secretRotatedAt
            ? msg('endpoints.rotatedAt', { at: formatTime(e.secretRotatedAt) })
            : '',
      ),
      el('td', { className: 'endpoint-actions' }, ...(e.readOnly ? [] : actions(e, reload))),
    ),
  );
  $('webhook-endpoints').replaceChildren(
    ...(rows.length > 0
      ? rows
      : [el('tr', {}, el('td', { className: 'muted', colspan: '5' }, msg('endpoints.none')))]),
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
    button(msg('endpoints.edit'), () => startEditing(endpoint)),
    ' ',
    button(msg('endpoints.rotate'), () => rotate(endpoint, reload)),
    ' ',
    endpoint.enabled
      ? button(msg('endpoints.disable'), () => send(`/${endpoint.id}`, { method: 'DELETE' }, reload))
      : button(msg('endpoints.enable'), () =>
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
  if (!window.confirm(t('endpoints.confirmRotate', { id: endpoint.id }))) return;
  const rotated = await send(`/${endpoint.id}/rotate-secret`, { method: 'POST' }, reload);
  if (rotated) showSecret(rotated.secret, msg('endpoints.newSecret', { id: rotated.id }));
}

function startEditing(endpoint) {
  editing = endpoint.id;
  $('endpoint-url').value = endpoint.url;
  $('endpoint-description').value = endpoint.description;
  for (const box of $('endpoint-events').querySelectorAll('input'))
    box.checked = endpoint.events?.includes(box.value) ?? true;
  setText($('endpoint-submit'), msg('endpoints.save', { id: endpoint.id }));
  $('endpoint-cancel').hidden = false;
  $('endpoint-url').focus();
}

function stopEditing() {
  editing = null;
  $('endpoint-form').reset();
  setText($('endpoint-submit'), msg('endpoints.add'));
  $('endpoint-cancel').hidden = true;
}

function showSecret(secret, text) {
  $('endpoint-secret').hidden = false;
  setText($('endpoint-secret-text'), text);
  $('endpoint-secret-value').value = secret;
  setText($('endpoint-secret-copy'), msg('endpoints.copy'));
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
    showError($('endpoint-error'), msg('endpoints.chooseEvent'));
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
  if (!changing) showSecret(answer.secret, msg('endpoints.secretOnce', { id: answer.id }));
}

export function wireEndpoints(reload) {
  $('endpoint-form').addEventListener('submit', (event) => submit(event, reload));
  $('endpoint-cancel').addEventListener('click', stopEditing);
  $('endpoint-secret-done').addEventListener('click', hideSecret);
  $('endpoint-secret-copy').addEventListener('click', async () => {
    $('endpoint-secret-value').select();
    try {
      await navigator.clipboard.writeText($('endpoint-secret-value').value);
      setText($('endpoint-secret-copy'), msg('endpoints.copied'));
    } catch {
      setText($('endpoint-secret-copy'), msg('endpoints.copyByHand'));
    }
  });
}
