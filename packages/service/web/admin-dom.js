// What every part of the admin console shares: element helpers, the admin API call (the token
// lives in sessionStorage, gone when the tab closes) and the sign-in screen a rejected token leads
// back to. Everything shown is set with textContent: notification bodies and headers come from
// whoever posted them.

export const TOKEN_KEY = 'wxpay-admin-token';
export const $ = (id) => document.getElementById(id);

/** Builds an element; children are nodes or strings (always text, never HTML). */
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
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
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

/**
 * A request with the admin token; a 401 sends the admin back to the token form, and any other
 * failure throws an {@link ApiError} from the JSON error answer. The response is returned unread.
 */
async function authorized(path, init = {}) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}` };
  if (init.body) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { ...init, headers });
  if (response.ok) return response;
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin('令牌无效 The token was not accepted.');
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

export function showError(box, error) {
  box.hidden = false;
  box.textContent =
    error instanceof ApiError ? `${error.code}: ${error.message}` : String(error.message || error);
}

export function renderMessageRow(tbody, columns, text) {
  tbody.replaceChildren(el('tr', {}, el('td', { className: 'muted', colspan: String(columns) }, text)));
}

export function showLogin(message) {
  $('console').hidden = true;
  $('login').hidden = false;
  $('login-error').hidden = !message;
  $('login-error').textContent = message || '';
  $('token').focus();
}

export function showConsole() {
  $('login').hidden = true;
  $('console').hidden = false;
}
