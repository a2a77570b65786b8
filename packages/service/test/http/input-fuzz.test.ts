import type { TSchema } from '@sinclair/typebox';
import { beforeAll, expect, it } from 'vitest';
import { type RouteEntry, routesOf } from '../../src/http/route-table.js';
import { eventually, json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, NO_RATE_LIMITS, useTestDemo } from './engine-suites.js';

/** Odd text: controls, invisible and bidi characters, unpaired surrogates, huge, numeric-looking, odd dates. */
const ODD_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\u007f',
  '\u0085',
  '\u200b',
  '\u202e',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\ufffe',
  '\ud800',
  'x\udfffy',
  '😀',
  '中文订单',
  'x'.repeat(5000),
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%',
  '_%_',
  'null',
  'true',
  '[]',
  '{}',
  '-1',
  '0',
  '1.5',
  '1e309',
  '99999999999999999999999999',
  '0x7fffffff',
  'NaN',
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60.5Z',
  '2016-12-31T22:59:60-01:00',
  '2016-12-31t23:59:60z',
  '0000-00-00T00:00:00Z',
  '0000-01-01T00:00:00+23:59',
  '9999-12-31T23:59:59.999999999-23:59',
  '275760-09-13T00:00:01Z',
];
/** Escapes no decoder accepts, written into the URL as they are. */
const RAW_URL_ESCAPES = ['%', '%zz', '%ED%A0%80', '%C0%AF', '%FF', '%00'];
const ODD_JSON = [
  ...ODD_TEXT,
  0,
  -1,
  1.5,
  -0.5,
  2 ** 53,
  1e308,
  -1e308,
  true,
  false,
  null,
  [],
  [1],
  ['x'],
  {},
  { a: 1 },
];
const ODD_BODIES = [
  '',
  'null',
  '[]',
  '"x"',
  '{',
  '{"a":',
  '['.repeat(5000),
  '{"quantity":1e999}',
  '\ufeff{}',
  '\u0000',
];
const ODD_HEADERS: Record<string, string>[] = [
  { authorization: 'Bearer ' },
  { authorization: 'Bearer \u00ff\u00fe' },
  { authorization: `Bearer ${'a'.repeat(8000)}` },
  { authorization: 'Basic Og==' },
  { cookie: 'wxsession=\u00ff' },
  { cookie: 'wxsession=a.b; wxoauth=x.y.z' },
  { cookie: 'wxsession=%%; wxsession=' },
  { 'content-type': 'application/json; charset=latin1' },
];

/** The one value each path parameter, required query field and body needs to get past the others. */
const BASELINE_QUERY: Record<string, Record<string, string>> = {
  'GET /api/jssdk/config': { url: 'http://127.0.0.1/jsapi' },
};
const BASELINE_BODY: Record<string, Record<string, unknown>> = {
  'POST /api/orders': { productId: 'demo-coffee', payType: 'NATIVE' },
  'POST /api/orders/:orderNo/refunds': { amount: 1 },
  // Not a payment code (0… is no WeChat code): refused before anything is stored.
  'POST /api/pos/payments': { authCode: '000000000000000000', amount: 1 },
  'POST /api/miniprogram/login': { code: 'no-such-code' },
  'POST /api/admin/products': { id: 'fuzz-product', name: 'Fuzz', price: 100 },
  // A day long past: no bill, nothing paid here, so a run changes nothing.
  'POST /api/admin/reconciliations': { date: '2020-01-01' },
  // Changes nothing on the product the path names (`demo-coffee`).
  'PATCH /api/admin/products/:id': { available: true },
  'POST /api/admin/session': { username: 'fuzz.nobody', password: 'not-a-password' },
  'POST /api/admin/users': { username: 'fuzz.user', password: 'fuzz-password-1', role: 'viewer' },
  // Port 9 (discard) refuses at once: the endpoints the probes add cost no waiting deliveries.
  'POST /api/admin/webhooks/endpoints': { url: 'http://127.0.0.1:9/fuzz', events: ['order.paid'] },
};
/** WeChat's callbacks answer in WeChat's formats (XML, `{code, message}`), by protocol. */
const WECHAT_FORMAT = /^\/api\/(notify|native)\//;

function urlPart(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

function propertiesOf(schema: unknown): Record<string, TSchema> {
  return ((schema as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {}) as Record<
    string,
    TSchema
  >;
}

interface Probe {
  route: RouteEntry;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

describeOnEngines('route-by-route fuzz: no bad input gets a 5xx or another error format', (engine) => {
  let demo: TestDemo;
  let paidOrderNo = '';
  useTestDemo(
    engine,
    (started) => {
      demo = started;
    },
    // About input, not latency: a busy machine may take longer than the 5 s default to prepay.
    { limits: NO_RATE_LIMITS, prepayDeadlineMs: 60_000 },
  );

  beforeAll(async () => {
    const created = await json<{ orderNo: string; codeUrl: string }>(`${demo.url}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ productId: 'demo-coffee', payType: 'NATIVE' }),
    });
    paidOrderNo = created.body.orderNo;
    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(created.body.codeUrl)!, 'alice');
    await eventually(async () => {
      const order = await json<{ state: string }>(`${demo.url}/api/orders/${paidOrderNo}`);
      return order.body.state === 'PAID' ? true : undefined;
    });
  });

  function probesOf(route: RouteEntry): Probe[] {
    const key = `${route.method} ${route.url}`;
    const baselineParam = (name: string) => (name === 'orderNo' ? paidOrderNo : 'demo-coffee');
    const pathWith = (param?: string, raw?: string) =>
      route.url.replace(/:(\w+)|\*/g, (_whole, name: string | undefined) =>
        (name ?? '*') === param ? raw! : name ? baselineParam(name) : 'index.html',
      );
    const streams = route.url.endsWith('/events');
    const query = BASELINE_QUERY[key] ?? {};
    const withQuery = (extra: Record<string, string>) =>
      `${pathWith()}?${Object.entries({ ...query, ...extra })
        .map(([k, v]) => `${k}=${v}`)
        .join('&')}`;
    const probes: Probe[] = [];
    for (const param of [...route.url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*')) {
      for (const raw of [...ODD_TEXT.map(urlPart), ...RAW_URL_ESCAPES])
        probes.push({ route, path: pathWith(param, raw) });
    }
    if (streams) return probes;
    const queryFields = Object.keys(propertiesOf(route.schema?.querystring));
    for (const field of [...queryFields, 'unknown']) {
      for (const raw of [...ODD_TEXT.map(urlPart), ...RAW_URL_ESCAPES])
        probes.push({ route, path: withQuery({ [field]: raw }) });
      probes.push({ route, path: `${withQuery({})}&${field}=1&${field}=2` });
    }
    for (const headers of ODD_HEADERS) probes.push({ route, path: withQuery({}), headers });
    if (route.method !== 'POST') return probes;
    const bodyFields = Object.keys(propertiesOf(route.schema?.body));
    if (bodyFields.length > 0 && !BASELINE_BODY[key])
      throw new Error(`${key}: add its baseline body to the fuzz test`);
    for (const field of bodyFields) {
      for (const value of ODD_JSON) {
        probes.push({
          route,
          path: pathWith(),
          body: JSON.stringify({ ...BASELINE_BODY[key], [field]: value }),
        });
      }
    }
    for (const body of ODD_BODIES) probes.push({ route, path: pathWith(), body });
    return probes;
  }

  async function send(probe: Probe): Promise<string | undefined> {
    const { route, path, body } = probe;
    const headers: Record<string, string> = {
      authorization: `Bearer ${demo.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...probe.headers,
    };
    const answer = await fetch(`${demo.url}${path}`, {
      method: route.method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    const text = await answer.text();
    const what = `${route.method} ${path.slice(0, 120)} ${body?.slice(0, 60) ?? ''} → ${answer.status} ${text.slice(0, 160)}`;
    if (answer.status >= 500) return what;
    if (answer.status < 400 || WECHAT_FORMAT.test(route.url) || route.method === 'HEAD') return undefined;
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const keys = Object.keys(parsed).filter(
        (k) => !['error', 'message', 'field', 'wechatCode', 'orderNo', 'retryable'].includes(k),
      );
      if (typeof parsed.error !== 'string' || typeof parsed.message !== 'string' || keys.length > 0)
        return what;
    } catch {
      return what;
    }
    return undefined;
  }

  it('every registered route, every parameter and field, odd values → < 500 and {error, message}', async () => {
    const routes = routesOf(demo.service.app);
    const urls = new Set(routes.map((r) => r.url));
    for (const expected of [
      '/api/orders',
      '/api/orders/:orderNo/refunds',
      '/api/admin/orders',
      '/wechat/login',
    ]) {
      expect(urls).toContain(expected);
    }
    // HEAD routes are Fastify's copies of the GET routes (same handler, same schema).
    const probes = routes.filter((route) => route.method !== 'HEAD').flatMap((route) => probesOf(route));
    const failures: string[] = [];
    for (let i = 0; i < probes.length; i += 8) {
      const batch = await Promise.all(probes.slice(i, i + 8).map((probe) => send(probe)));
      failures.push(...batch.filter((f): f is string => f !== undefined));
    }
    expect(failures, `${failures.length} of ${probes.length} probes`).toEqual([]);
    expect(probes.length).toBeGreaterThan(2000);
  }, 300_000);
});
