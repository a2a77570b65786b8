/** One answer of the control API: status and parsed JSON (probed field by field in the tests). */
// biome-ignore lint/suspicious/noExplicitAny: the tests read answers field by field
export interface ControlAnswer<T = any> {
  status: number;
  body: T;
}

/**
 * Calls the control API over real HTTP. `body` may be a string to send malformed JSON on purpose.
 */
export function controlClient(baseUrl: string) {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  return async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ControlAnswer<T>> {
    const init: RequestInit = { method, headers: {} };
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${baseUrl}/_sim${path}`, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

export type ControlCall = ReturnType<typeof controlClient>;
