import { expect, it } from 'vitest';
import { eventually, json, type TestDemo } from './demo-harness.js';
import { describeOnEngines, NO_RATE_LIMITS, useTestDemo } from './engine-suites.js';

type Answer = { error?: string; message?: string; field?: string };
type Wrong = { field: string; values: unknown[] };

/** What Fastify's default coercion turned into a number, a string or an enum value, and more. */
const NOT_AN_INTEGER = ['2', '1e1', ' 4 ', '0x05', '5.0', true, false, null, [2], { n: 2 }, 2.5, '', '٣'];
const NOT_A_STRING = [123456, 0, true, false, null, ['demo-coffee'], { id: 'x' }, [], 1.5, -1];

const ORDER_FIELDS: Wrong[] = [
  { field: 'productId', values: [...NOT_A_STRING, '', 'demo coffee', 'demo\u0000coffee', 'x'.repeat(65)] },
  { field: 'quantity', values: [...NOT_AN_INTEGER, 0, -1, 100, 1e300] },
  { field: 'payType', values: [...NOT_A_STRING, ['NATIVE'], 'native', ' NATIVE', 'NATIVE\u0000', ''] },
  { field: 'apiVersion', values: [...NOT_A_STRING, ['v2'], 'V3', 'v4', 'v2 ', ''] },
  { field: 'openid', values: [...NOT_A_STRING, 12345, '', 'o\u0000x', 'o x', 'o\u2028x', 'x'.repeat(129)] },
];

/** A merchant API key's own amount, text and reference (`POST /api/orders` with the key). */
const MERCHANT_ORDER_FIELDS: Wrong[] = [
  { field: 'amount', values: [...NOT_AN_INTEGER, 0, -1, 100_000_001, 1e300, '100'] },
  { field: 'description', values: [...NOT_A_STRING, '', 'a\u0000b', 'bell\u0007', '\ud800', 'x'.repeat(65)] },
  {
    field: 'merchantReference',
    values: [...NOT_A_STRING, '', 'has space', 'r\u0000', '中文', 'x'.repeat(65)],
  },
];
const MERCHANT_KEY = 'mk_strict_0123456789abcdefghij';

const REFUND_FIELDS: Wrong[] = [
  { field: 'amount', values: [...NOT_AN_INTEGER, '1e1', '0x10', [3], true, 0, -5, 2 ** 53, 1e300] },
  {
    field: 'reason',
    values: [...NOT_A_STRING, ['why'], 'a\u0000b', 'line\u0007bell', '\ud800', 'x'.repeat(81)],
  },
  {
    field: 'refundNo',
    values: [...NOT_A_STRING, 123456, 'short', 'has space1', 'x'.repeat(65), '１２３４５６'],
  },
];

describeOnEngines('strict input: exact JSON types, one parse rule per query and path parameter', (engine) => {
  let demo: TestDemo;
  useTestDemo(
    engine,
    (started) => {
      demo = started;
    },
    { limits: NO_RATE_LIMITS, merchantApiKeys: [{ name: 'erp', key: MERCHANT_KEY }] },
  );
  const admin = () => ({ Authorization: `Bearer ${demo.adminToken}` });
  const orderCount = async () =>
    (await json<unknown[]>(`${demo.url}/api/admin/orders?limit=200`, { headers: admin() })).body.length;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    json<Answer>(`${demo.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers });

  function expectRefusal(answer: { status: number; body: Answer }, field: string, value: unknown): void {
    const seen = { value, status: answer.status, body: answer.body };
    expect(answer.status, JSON.stringify(seen)).toBe(400);
    expect(answer.body.error, JSON.stringify(seen)).toBe('VALIDATION_FAILED');
    expect(answer.body.field, JSON.stringify(seen)).toBe(field);
    expect(answer.body.message).toContain(field);
  }

  it('POST /api/orders: every wrong type or form of every field → 400 naming it, no order stored', async () => {
    const valid = {
      productId: 'demo-coffee',
      quantity: 1,
      payType: 'NATIVE',
      apiVersion: 'v3',
      openid: 'o-ok',
    };
    const before = await orderCount();
    for (const { field, values } of ORDER_FIELDS) {
      expect(values.length).toBeGreaterThanOrEqual(10);
      for (const value of values)
        expectRefusal(await post('/api/orders', { ...valid, [field]: value }), field, value);
    }
    expect(await orderCount()).toBe(before);
    expect((await post('/api/orders', valid)).status).toBe(201);
  });

  it('POST /api/orders with a merchant API key: every wrong type or form of its own fields → 400 naming it', async () => {
    const valid = { amount: 100, description: '发票 1', merchantReference: 'INV-1', payType: 'NATIVE' };
    const merchant = { Authorization: `Bearer ${MERCHANT_KEY}` };
    const before = await orderCount();
    for (const { field, values } of MERCHANT_ORDER_FIELDS) {
      expect(values.length).toBeGreaterThanOrEqual(10);
      for (const value of values)
        expectRefusal(await post('/api/orders', { ...valid, [field]: value }, merchant), field, value);
    }
    expect(await orderCount()).toBe(before);
    expect((await post('/api/orders', valid, merchant)).status).toBe(201);
  });

  it('POST /api/orders/:no/refunds: every wrong type or form → 400 naming it, no refund stored', async () => {
    const created = await post('/api/orders', { productId: 'demo-coffee', payType: 'NATIVE' });
    const { orderNo, codeUrl } = created.body as unknown as { orderNo: string; codeUrl: string };
    const trades = demo.simulator.ctx.trades;
    trades.pay(trades.lookup(codeUrl)!, 'alice');
    await eventually(async () => {
      const order = await json<{ state: string }>(`${demo.url}/api/orders/${orderNo}`);
      return order.body.state === 'PAID' ? true : undefined;
    });
    const refunds = async () =>
      (await json<unknown[]>(`${demo.url}/api/orders/${orderNo}/refunds`, { headers: admin() })).body;
    const valid = { amount: 1, reason: 'broken cup', refundNo: 'strict-refund-1' };
    for (const { field, values } of REFUND_FIELDS) {
      expect(values.length).toBeGreaterThanOrEqual(10);
      for (const value of values) {
        const answer = await post(`/api/orders/${orderNo}/refunds`, { ...valid, [field]: value }, admin());
        expectRefusal(answer, field, value);
      }
    }
    expect(await refunds()).toEqual([]);
    expect((await post(`/api/orders/${orderNo}/refunds`, valid, admin())).status).toBe(201);
  });

  it('a body that is no JSON object, or has unknown fields → 400, nothing stored', async () => {
    const before = await orderCount();
    for (const body of [null, [], ['demo-coffee'], 'demo-coffee', 3, true]) {
      const answer = await post('/api/orders', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toBe('VALIDATION_FAILED');
    }
    const extra = await post('/api/orders', { productId: 'demo-coffee', payType: 'NATIVE', price: 1 });
    expectRefusal(extra, 'price', 1);
    // A shopper learns at once that the amount comes from the product, not from them.
    const priced = await post('/api/orders', { productId: 'demo-coffee', payType: 'NATIVE', amount: 1 });
    expect([priced.status, priced.body.error]).toEqual([401, 'MERCHANT_API_KEY_REQUIRED']);
    const missing = await post('/api/orders', { productId: 'demo-coffee' });
    expectRefusal(missing, 'payType', undefined);
    expect(await orderCount()).toBe(before);
  });

  /** Query values as they appear in the URL, already percent-encoded where needed. */
  const NOT_DIGITS = ['-1', '+5', '1e1', '0x10', '%205', '5%20', '5.0', '٣', '', 'five', '1,2', '5&limit=6'];

  const QUERY_ROUTES: { path: string; wrong: Record<string, string[]> }[] = [
    {
      path: '/api/admin/orders',
      wrong: {
        limit: [...NOT_DIGITS, '0', '201', '99999999999999999999'],
        // `state` may repeat (any of several states), but each one must still be exact.
        state: ['paid', 'PAID%20', 'PAID&state=closed', 'PAI', '', '%00', '1', 'true', 'null', 'PAID%00'],
        payType: [
          'native',
          'NATIVE&payType=H5',
          '',
          'X',
          '0',
          'true',
          'NATIVE%20',
          '%E4%B8%AD',
          'null',
          '[]',
        ],
        apiVersion: ['V2', 'v2&apiVersion=v3', 'v4', '', '2', 'true', 'v2%20', '%00', 'null', 'v'],
        before: [
          'abc',
          '%00%00%00%00%00%00',
          'x'.repeat(33),
          'a%20bcdefg',
          '%E4%B8%AD%E6%96%87%E5%AD%97%E7%AC%A6',
        ],
        q: [
          'a%00b',
          '%07',
          '%7F',
          'x'.repeat(129),
          'q&q=r',
          '%C2%85',
          '%E2%80%AE%00',
          '%1B[31m',
          '%0A',
          '%0D',
        ],
        from: [
          '2016-12-31T23:59:60Z',
          '2016-12-31T23:59:60.5Z',
          '2016-12-31T22:59:60-01:00',
          '2016-02-30T00:00:00Z',
          '2016-13-01T00:00:00Z',
          '2016-12-31T24:00:00Z',
          '2016-12-31T23:59:59%2B24:00',
          '275760-09-13T00:00:00Z',
          '2016-12-31',
          '1482969600000',
          'now',
        ],
        to: [
          '2016-12-31t23:59:60z',
          '2016-12-31T23:60:00Z',
          '0000-00-00T00:00:00Z',
          '2016-12-31T23:59:59',
          '',
          'x',
        ],
      },
    },
    {
      path: '/api/admin/refunds',
      wrong: {
        limit: [...NOT_DIGITS, '0', '501'],
        state: ['success', 'SUCCESS&state=FAILED', '', 'X', '0', 'true', 'SUCCESS%20', 'null', '%00', 'PEND'],
      },
    },
    {
      path: '/api/admin/stats',
      wrong: {
        bucket: ['HOUR', 'week', 'hour&bucket=day', '', '0', 'true', 'hour%20', 'null', '%00', 'd'],
        from: [
          '2016-12-31T23:59:60Z',
          '2016-12-31T23:59:60.5Z',
          '2017-02-29T00:00:00Z',
          'x',
          '',
          '1',
          'null',
        ],
        to: ['2016-12-31t23:59:60z', '2016-12-31T23:59:59+25:00', 'yesterday', '2016', 'T', '%00', '-1'],
      },
    },
    {
      path: '/api/admin/audit',
      wrong: {
        limit: [...NOT_DIGITS, '0', '201'],
        action: [
          'REFUND',
          'refund&action=order.close',
          '',
          'x',
          'session',
          'true',
          'refund%20',
          '%00',
          'null',
        ],
        actor: ['', 'a%00b', '%07', 'x'.repeat(65), 'a&actor=b', '%0A', '%7F', '%C2%85', '%1B', '%0D'],
        cursor: ['0', '-1', '01', 'abc', '', '1.5', '1e3', 'x'.repeat(17), '9'.repeat(17), '%00'],
        from: ['2016-12-31T23:59:60Z', '2016-02-30T00:00:00Z', '2016-12-31', 'now', '', '1', 'x'],
        to: ['2016-12-31t23:60:00z', '0000-00-00T00:00:00Z', '2016-12-31T23:59:59', 'T', '%00', '-1', 'x'],
      },
    },
  ];

  it('POST /api/miniprogram/login: a code of the wrong type or form → 400 naming it', async () => {
    for (const value of [...NOT_A_STRING, '', 'a b', 'a\u0000', '中文', 'x'.repeat(129)]) {
      expectRefusal(await post('/api/miniprogram/login', { code: value }), 'code', value);
    }
  });

  const SIGN_IN_ROUTES: { path: string; wrong: Record<string, string[]> }[] = [
    {
      path: '/wechat/login',
      wrong: {
        scope: [
          'SNSAPI_BASE',
          'snsapi_base%20',
          '',
          'x',
          '1',
          'true',
          'null',
          'snsapi_base&scope=snsapi_base',
          '%00',
          'snsapi',
        ],
      },
    },
    {
      path: '/wechat/oauth/callback',
      wrong: {
        code: [
          'a%20b',
          '%00',
          'x'.repeat(257),
          '%E4%B8%AD',
          'a&code=b',
          '%7F',
          '%09',
          '%0A',
          '%C2%A0',
          '%E2%80%AE',
        ],
        state: [
          'a%20b',
          '%00',
          'x'.repeat(257),
          '%E4%B8%AD',
          'a&state=b',
          '%7F',
          '%09',
          '%0A',
          '%C2%A0',
          '%E2%80%AE',
        ],
      },
    },
    {
      path: '/api/jssdk/config',
      wrong: {
        url: [
          '',
          '%00',
          'http://127.0.0.1/%0A',
          'a&url=b',
          'x'.repeat(2049),
          '%07',
          '%7F',
          '%C2%85',
          '%1B',
          '%0D',
        ],
      },
    },
  ];

  it('sign-in and JS-SDK query parameters: exact enums, printable codes, URLs without controls → 400 naming the field', async () => {
    for (const route of SIGN_IN_ROUTES) {
      for (const [field, values] of Object.entries(route.wrong)) {
        for (const value of values) {
          const answer = await json<Answer>(`${demo.url}${route.path}?${field}=${value}`, {
            redirect: 'manual',
          });
          expectRefusal(answer, field, `${route.path} ${value}`);
        }
      }
    }
    expectRefusal(await json<Answer>(`${demo.url}/api/jssdk/config`), 'url', 'absent');
  });

  it('a product id outside its pattern → 400 naming id', async () => {
    for (const id of [
      'a%20b',
      '%00',
      'x'.repeat(33),
      '%E4%B8%AD',
      'a.b',
      'a%2Fb',
      "a'b",
      '%7F',
      'a*b',
      'a|b',
    ]) {
      expectRefusal(await json<Answer>(`${demo.url}/api/products/${id}/bizpayurl`), 'id', id);
    }
  });

  it('admin query parameters: digits-only integers, exact enums, dates that exist → 400 naming the field', async () => {
    for (const route of QUERY_ROUTES) {
      for (const [field, values] of Object.entries(route.wrong)) {
        for (const value of values) {
          const answer = await json<Answer>(`${demo.url}${route.path}?${field}=${value}`, {
            headers: admin(),
          });
          expectRefusal(answer, field, `${route.path} ${value}`);
        }
      }
    }
  });

  it('well-formed query values are still read: digits, offsets, lower-case t/z, fractions', async () => {
    await post('/api/orders', { productId: 'demo-coffee', payType: 'NATIVE' });
    const orders = (query: string) =>
      json<unknown[]>(`${demo.url}/api/admin/orders?${query}`, { headers: admin() });
    expect((await orders('limit=1')).body).toHaveLength(1);
    expect((await orders('limit=007')).body.length).toBeGreaterThan(0);
    for (const from of [
      '2016-12-31T23:59:59Z',
      '2016-12-31t23:59:59.999999z',
      '2017-01-01T07:59:59%2B08:00',
    ]) {
      expect((await orders(`from=${from}`)).status, from).toBe(200);
    }
    expect((await orders('state=PAID&state=CLOSED')).status).toBe(200);
    const future = await orders('from=2999-01-01T00:00:00-01:00');
    expect(future.body).toEqual([]);
    const stats = await json(
      `${demo.url}/api/admin/stats?bucket=day&from=2016-12-01T00:00:00Z&to=2016-12-31T23:59:59Z`,
      {
        headers: admin(),
      },
    );
    expect(stats.status).toBe(200);
  });

  it('path parameters: an order number outside its pattern → 400 naming orderNo', async () => {
    for (const orderNo of [
      'abc',
      '%00abcdef',
      'abc%20def',
      '%E4%B8%AD%E6%96%87%E8%AE%A2%E5%8D%95%E5%8F%B7',
      'a.b.c.d.e.f',
      '%2E%2E%2F%2E%2E%2F',
    ]) {
      for (const path of [`/api/orders/${orderNo}`, `/api/admin/orders/${orderNo}`]) {
        const answer = await json<Answer>(`${demo.url}${path}`, { headers: admin() });
        expectRefusal(answer, 'orderNo', path);
      }
    }
  });
});
