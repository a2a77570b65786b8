import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDemo, type TestDemo } from './demo-harness.js';

const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

describe('security headers and the metrics token', () => {
  let demo: TestDemo;
  beforeAll(async () => {
    demo = await startTestDemo('sqlite', { metricsToken: METRICS_TOKEN });
  });
  afterAll(async () => {
    await demo?.cleanup();
  });

  it('every page, asset, API answer, error and 404 carries CSP, frame-ancestors, nosniff and Referrer-Policy', async () => {
    const paths = [
      '/',
      '/jsapi',
      '/admin',
      '/h5',
      '/assets/checkout.js',
      '/docs/static/index.html',
      '/api/products',
      '/api/orders/NOPE0000000000',
      '/no/such/page',
    ];
    for (const path of paths) {
      const answer = await fetch(`${demo.url}${path}`);
      await answer.arrayBuffer();
      const csp = answer.headers.get('content-security-policy') ?? '';
      const scriptSrc = /(?:^|; )script-src ([^;]*)/.exec(csp)?.[1];
      expect(scriptSrc, path).toBe(`'self' ${demo.simulator.url}`);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).not.toContain('unsafe-eval');
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(answer.headers.get('x-frame-options'), path).toBe('DENY');
      expect(answer.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
    }
  });

  it('with METRICS_TOKEN, /metrics needs the bearer token', async () => {
    const anonymous = await fetch(`${demo.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('orders_created_total');
    const wrong = await fetch(`${demo.url}/metrics`, { headers: { Authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    const scraped = await fetch(`${demo.url}/metrics`, {
      headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('orders_created_total');
    // The admin token is no metrics token.
    const admin = await fetch(`${demo.url}/metrics`, {
      headers: { Authorization: `Bearer ${demo.adminToken}` },
    });
    expect(admin.status).toBe(401);
  });
});
