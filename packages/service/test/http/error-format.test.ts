import { connect } from 'node:net';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { errorHandler } from '../../src/http/error-mapper.js';
import { json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, NO_RATE_LIMITS, useTestDemo } from './engine-suites.js';
import { authorizeAs, cookieFrom, startOAuth } from './wechat-sign-in.js';

type ErrorAnswer = { error: string; message: string; field?: string };

/** The service's one error format, nothing else (no Fastify `statusCode`, no `code`). */
function expectErrorFormat(body: unknown, error: string): void {
  expect(body).toEqual(expect.objectContaining({ error, message: expect.any(String) }));
  for (const key of Object.keys(body as object))
    expect(['error', 'message', 'field', 'wechatCode', 'orderNo', 'retryable']).toContain(key);
}

/** Writes raw bytes to the service and reads the whole answer (the server closes the connection). */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describeOnEngines('no 5xx on bad input, and one error format for every error', (engine) => {
  let demo: TestDemo;
  useTestDemo(
    engine,
    (started) => {
      demo = started;
    },
    { limits: NO_RATE_LIMITS },
  );
  const admin = () => ({ Authorization: `Bearer ${demo.adminToken}` });

  it('dates that cannot be represented (leap second, lower-case t…z with :60, offsets) → 400 naming the field', async () => {
    for (const path of ['/api/admin/orders', '/api/admin/stats']) {
      for (const from of [
        '2016-12-31T23:59:60Z',
        '2016-12-31T23:59:60.5Z',
        '2016-12-31T22:59:60-01:00',
        '2016-12-31t23:59:60z',
      ]) {
        for (const field of ['from', 'to']) {
          const answer = await json<ErrorAnswer>(`${demo.url}${path}?${field}=${from}`, { headers: admin() });
          expect(answer.status, `${path} ${field}=${from}`).toBe(400);
          expectErrorFormat(answer.body, 'VALIDATION_FAILED');
          expect(answer.body.field).toBe(field);
        }
      }
    }
  });

  it('a returnTo that cannot be redirected to safely falls back to / and the sign-in still completes', async () => {
    const cases: Record<string, string> = {
      '/jsapi/中文': '/',
      '/jsapi\u007f': '/',
      '/jsapi\u2028x': '/',
      '/\u3000//evil.example': '/',
      '/\t/evil.example': '/',
      '/jsapi/%E4%B8%AD%E6%96%87?x=1&y=2': '/jsapi/%E4%B8%AD%E6%96%87?x=1&y=2',
      '/jsapi/%zz': '/',
      '/jsapi?next=//evil.example': '/jsapi?next=//evil.example',
    };
    for (const [returnTo, expected] of Object.entries(cases)) {
      const start = await startOAuth(demo, `returnTo=${encodeURIComponent(returnTo)}`);
      expect(start.status, returnTo).toBe(302);
      const callback = await authorizeAs(start.location, 'carol');
      const back = await fetch(callback, { redirect: 'manual', headers: { cookie: start.stateCookie! } });
      expect(back.status, returnTo).toBe(302);
      expect(back.headers.get('location'), returnTo).toBe(expected);
      expect(cookieFrom(back.headers, 'wxsession'), returnTo).toBeDefined();
    }
  });

  it('no route, wrong method → 404 in the error format', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/api/orders'],
      ['PUT', '/api/products'],
    ] as const) {
      const answer = await json(`${demo.url}${path}`, { method });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expectErrorFormat(answer.body, 'NOT_FOUND');
    }
  });

  it('body-parser refusals (bad JSON, empty JSON, wrong content type, too large) use the error format', async () => {
    const post = (body: string, contentType?: string) =>
      json(`${demo.url}/api/orders`, {
        method: 'POST',
        body,
        headers: contentType ? { 'Content-Type': contentType } : {},
      });
    const badJson = await post('{"productId": "demo-coffee",', 'application/json');
    expect(badJson.status).toBe(400);
    expectErrorFormat(badJson.body, 'INVALID_JSON');
    const proto = await post('{"__proto__": {"x": 1}}', 'application/json');
    expect(proto.status).toBe(400);
    expectErrorFormat(proto.body, 'INVALID_JSON');
    const empty = await post('', 'application/json');
    expect(empty.status).toBe(400);
    expectErrorFormat(empty.body, 'INVALID_JSON');
    const xml = await post('<xml/>', 'application/xml');
    expect(xml.status).toBe(415);
    expectErrorFormat(xml.body, 'UNSUPPORTED_MEDIA_TYPE');
    const large = await post(JSON.stringify({ productId: 'x'.repeat(70 * 1024) }), 'application/json');
    expect(large.status).toBe(413);
    expectErrorFormat(large.body, 'BODY_TOO_LARGE');
  });

  it('a forged notification carrying NUL bytes is refused as forged (v3 400, v2 FAIL), not answered 500', async () => {
    const body = '{"id":"x\u0000","resource":{"ciphertext":"\u0000"}}\u0000';
    for (const path of ['/api/notify/v3', '/api/notify/v3/refund']) {
      const answer = await fetch(`${demo.url}${path}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status, path).toBe(400);
    }
    for (const path of ['/api/notify/v2', '/api/notify/v2/refund']) {
      const answer = await fetch(`${demo.url}${path}`, { method: 'POST', body: '<xml>\u0000</xml>' });
      const xml = await answer.text();
      expect(xml, path).toContain('FAIL');
      expect(xml, path).not.toContain('internal error');
    }
  });

  it('a path that is no valid URL, and bytes that are no HTTP, are answered in the error format', async () => {
    const badUrl = await json(`${demo.url}/api/orders/%E0%A4%A`);
    expect(badUrl.status).toBe(400);
    expectErrorFormat(badUrl.body, 'BAD_URL');
    const raw = await rawExchange(demo.url, 'GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as unknown;
    expectErrorFormat(body, 'BAD_REQUEST');
  });
});

it('an error answer never fails on a header the route had set (Fastify’s fallback never answers)', async () => {
  const app = Fastify();
  app.setErrorHandler(errorHandler);
  app.get('/boom', async (_request, reply) => reply.header('X-Trace', 'ok').redirect('/中文', 302));
  app.get('/throws', async (_request, reply) => {
    reply.header('Location', '/somewhere');
    throw new Error('secret detail: password=hunter2');
  });
  try {
    const boom = await app.inject('/boom');
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toEqual({ error: 'INTERNAL', message: 'internal error' });
    expect(boom.headers['x-trace']).toBe('ok');
    const throws = await app.inject('/throws');
    expect(throws.statusCode).toBe(500);
    expect(throws.headers.location).toBeUndefined();
    expect(throws.body).not.toContain('hunter2');
  } finally {
    await app.close();
  }
});
