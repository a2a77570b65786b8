/**
 * Two ways a v3 request can look almost right, each checked directly: a timestamp ahead of real
 * time (a client whose clock runs fast) and an empty signature. Both must be refused
 * as WeChat refuses them, whatever else about the request is correct.
 */
import { describe, expect, it } from 'vitest';
import { useV3Simulator } from './support/use-v3-simulator.js';
import { sendRaw, signedHeaders, uniqueNo } from './support/v3-test-kit.js';

describe('v3 request edges', () => {
  const sim = useV3Simulator('public-key');
  const queryUrl = () => `/v3/pay/transactions/out-trade-no/${uniqueNo('EDGE')}?mchid=${sim.merchant.mchid}`;
  // Request timestamps are checked on real time, as WeChat checks them (not on the simulated clock).
  const realSeconds = () => Math.floor(Date.now() / 1000);

  const query = (url: string, timestamp?: number) =>
    sendRaw(sim, {
      method: 'GET',
      url,
      headers: signedHeaders(sim, { method: 'GET', signedUrl: url, timestamp }),
    });

  it('refuses a timestamp 5 minutes or more ahead of real time, saying it is ahead', async () => {
    // 305 s: still ≥ 300 s ahead if the clock ticks a few seconds before the request is checked.
    const answer = await query(queryUrl(), realSeconds() + 305);
    expect(answer.status, answer.text).toBe(401);
    const body = answer.json();
    expect(body.code).toBe('SIGN_ERROR');
    expect(body.detail).toMatchObject({ field: 'timestamp', location: 'authorization' });
    expect(body.detail.issue).toMatch(/^timestamp \d+ is 30\d s ahead of server time \d+/);
  });

  it('refuses a timestamp far in the future (a millisecond timestamp) as ahead', async () => {
    const answer = await query(queryUrl(), Date.now());
    expect(answer.status).toBe(401);
    expect(answer.json().detail.issue).toMatch(/ahead of server time .*milliseconds instead of seconds/);
  });

  it('accepts a timestamp 299 s ahead (the skew WeChat tolerates)', async () => {
    const answer = await query(queryUrl(), realSeconds() + 299);
    expect(answer.status, answer.text).toBe(404);
    expect(answer.json().code).toBe('ORDER_NOT_EXIST');
  });

  it('refuses an Authorization whose signature is empty, everything else correct', async () => {
    const url = queryUrl();
    const headers = signedHeaders(sim, { method: 'GET', signedUrl: url });
    const emptied = headers.Authorization!.replace(/signature="[^"]*"/, 'signature=""');
    expect(emptied).toContain('signature=""');
    const answer = await sendRaw(sim, {
      method: 'GET',
      url,
      headers: { ...headers, Authorization: emptied },
    });
    expect(answer.status, answer.text).toBe(401);
    expect(answer.json()).toMatchObject({ code: 'SIGN_ERROR', detail: { field: 'signature' } });
  });
});
