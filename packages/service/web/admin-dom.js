// What every part of the admin console shares: element helpers, the admin API call and who is
// signed in. Two ways in: an admin user's session (an HttpOnly cookie the page never sees, plus a
// CSRF token kept in memory and sent with every change) or the admin token (kept in sessionStorage,
// gone when the tab closes). What the role may do comes from the server (`GET /api/admin/me`); the
// page only hides what would be refused anyway. Everything shown is set with textContent.

import { say } from './messages.js';

export const TOKEN_KEY = 'wxpay-admin-token';
export const $ = (id) => document.getElementById(id);

/** A catalogue message as a child of {@link el} or a text to show: it follows the language switch. */
export const msg = (key, params) => ({ key, params });
const isMessage = (value) => value !== null && typeof value === 'object' && typeof value.key === 'string';

/** Sets `node`'s text: a {@link msg} through the catalogue, anything else as it is. */
export function setText(node, text) {
  if (isMessage(text)) return say(node, text.key, text.params);
  delete node.dataset.i18n;
  node.textContent = text ?? '';
  return node;
}

/** Builds an element; children are nodes, strings (always text, never HTML) or {@link msg}s. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    if (isMessage(child)) node.append(say(document.createElement('span'), child.key, child.params));
    else node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export const badge = (state) => el('span', { className: `badge ${state}` }, state);

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ? body.error : `HTTP_${status}`;
  }
}

/** Who is signed in: `{ kind, username, role, permissions, csrfToken? }` from `/api/admin/me`. */
let me = null;

export function signedIn() {
  return me;
}

/** Whether the signed-in role has `permission` (the server checks again; this only hides buttons). */
export function can(permission) {
  return Boolean(me?.permissions.includes(permission));
}

export function setSignedIn(answer) {
  me = answer;
}

export function forget() {
  me = null;
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * A request to the admin API: the token when one was given, else the session cookie (sent by the
 * browser) with the CSRF token on every change. A 401 sends the admin back to the sign-in form;
 * any other failure throws an {@link ApiError} from the JSON error answer. The response is
 * returned unread.
 */
async function authorized(path, init = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (me?.csrfToken && init.method && init.method !== 'GET') headers['X-CSRF-Token'] = me.csrfToken;
  if (init.body) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  if (response.ok) return response;
  if (response.status === 401) {
    const wasIn = me !== null;
    forget();
    if (token) showLogin(msg('admin.tokenRefused'), 'login-error');
    else showLogin(wasIn ? msg('admin.sessionEnded') : undefined);
  }
  const text = await response.text();
  throw new ApiError(response.status, text ? JSON.parse(text) : null);
}

/** A call to the admin API, answered in JSON. */
export async function api(path, init = {}) {
  const text = await (await authorized(path, init)).text();
  return text ? JSON.parse(text) : null;
}

/** An event stream from the admin API (the live order states), as the unread response. */
export function openStream(path, signal) {
  return authorized(path, { signal });
}

/** A file from the admin API (the CSV export), with the name the server gave it. */
export async function download(path) {
  const response = await authorized(path);
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'orders.csv';
  return { blob: await response.blob(), name };
}

/** Downloads a file from the admin API and hands it to the browser to save. */
export async function saveDownload(path) {
  const file = await download(path);
  const link = el('a', { href: URL.createObjectURL(file.blob), download: file.name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

/** Shows an API failure as its code and the server's message, or a {@link msg} of the page's own. */
export function showError(box, error) {
  box.hidden = false;
  setText(box, error instanceof ApiError ? `${error.code}: ${error.message}` : error);
}

/** The row text of a list that could not be loaded. */
export const loadFailed = (error) => msg('common.loadFailed', { code: error.code, message: error.message });

export function renderMessageRow(tbody, columns, text) {
  tbody.replaceChildren(el('tr', {}, el('td', { className: 'muted', colspan: String(columns) }, text)));
}

/** The sign-in screen; `message` goes to the account form's error box, or the one named. */
export function showLogin(message, box = 'signin-error') {
  $('console').hidden = true;
  $('auth').hidden = false;
  for (const id of ['signin-error', 'login-error']) {
    $(id).hidden = !message || id !== box;
    setText($(id), id === box ? message || '' : '');
  }
  $('username').focus();
}

export function showConsole() {
  $('auth').hidden = true;
  $('console').hidden = false;
}
