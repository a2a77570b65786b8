/**
 * Authentication of v3 requests, with raw requests a correct client never sends: each wrong part
 * of a request gets WeChat's status and code, and a detail naming what is wrong.
 */
import { PublicKeyStore, V3RequestSigner, V3ResponseVerifier } from '@wechatpay-kit/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { useV3Simulator } from './support/use-v3-simulator.js';
import { type RawAnswer, sendRaw, signedHeaders, uniqueNo } from './support/v3-test-kit.js';

describe('v3 request authentication', () => {
  const sim = useV3Simulator('public-key');
  let queryUrl: string;

  beforeAll(() => {
    queryUrl = `/v3/pay/transactions/out-trade-no/${uniqueNo('NOPE')}?mchid=${sim.merchant.mchid}`;
  });

  function verifier(): V3ResponseVerifier {
    return new V3ResponseVerifier({
      keys: new PublicKeyStore(sim.merchant.publicKeyId, sim.merchant.publicKeyPem),
    });
  }

  const get = (url: string, headers: Record<string, string | undefined>) =>
    sendRaw(sim, { method: 'GET', url, headers });

  function orderBody(): string {
    return JSON.stringify({
      appid: sim.merchant.appid,
      mchid: sim.merchant.mchid,
      description: 'raw',
      out_trade_no: uniqueNo(),
      notify_url: 'http://127.0.0.1:9/notify',
      amount: { total: 1 },
    });
  }

  function expectRefusal(
    answer: RawAnswer,
    status: number,
    code: string,
    field: string,
    // biome-ignore lint/suspicious/noExplicitAny: the detail is arbitrary JSON
  ): Record<string, any> {
    const body = answer.json();
    expect(answer.status, answer.text).toBe(status);
    expect(body.code).toBe(code);
    expect(body.detail.field).toBe(field);
    expect(typeof body.detail.issue).toBe('string');
    return body.detail;
  }

  it('accepts a correctly signed raw request and signs its answer, with a Request-ID', async () => {
    const answer = await get(queryUrl, signedHeaders(sim, { method: 'GET', signedUrl: queryUrl }));
    expect(answer.status).toBe(404);
    expect(answer.json().code).toBe('ORDER_NOT_EXIST');
    expect(answer.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => verifier().verify(answer.headers, answer.text)).not.toThrow();
  });

  it('refuses a body changed by one byte after signing, showing the message it expected', async () => {
    const body = orderBody();
    const headers = signedHeaders(sim, {
      method: 'POST',
      signedUrl: '/v3/pay/transactions/native',
      signedBody: body,
    });
    const tampered = body.replace('"total":1', '"total":2');
    const answer = await sendRaw(sim, {
      method: 'POST',
      url: '/v3/pay/transactions/native',
      body: tampered,
      headers,
    });
    const detail = expectRefusal(answer, 401, 'SIGN_ERROR', 'signature');
    expect(answer.json().message).toBe('签名错误，请检查后再试');
    expect(detail.location).toBe('authorization');
    expect(detail.sign_information).toMatchObject({ method: 'POST', url: '/v3/pay/transactions/native' });
    expect(detail.sign_information.truncated_sign_message).toMatch(
      /^POST\n\/v3\/pay\/transactions\/native\n\d+\n/,
    );
    expect(() => verifier().verify(answer.headers, answer.text)).not.toThrow();
  });

  it('recognises a signature over the URL without its query string', async () => {
    const path = queryUrl.slice(0, queryUrl.indexOf('?'));
    const answer = await get(queryUrl, signedHeaders(sim, { method: 'GET', signedUrl: path }));
    const detail = expectRefusal(answer, 401, 'SIGN_ERROR', 'signature');
    expect(detail.issue).toContain(
      `signed message was built from URL ${path} but the request URL is ${queryUrl}`,
    );
  });

  it('recognises a signature over a re-serialized body', async () => {
    const body = orderBody();
    const spaced = JSON.stringify(JSON.parse(body), null, 2);
    const headers = signedHeaders(sim, {
      method: 'POST',
      signedUrl: '/v3/pay/transactions/native',
      signedBody: body,
    });
    const answer = await sendRaw(sim, {
      method: 'POST',
      url: '/v3/pay/transactions/native',
      body: spaced,
      headers,
    });
    expect(expectRefusal(answer, 401, 'SIGN_ERROR', 'signature').issue).toContain('different serialization');
  });

  it('refuses the serial of another certificate, naming the right one', async () => {
    const headers = signedHeaders(sim, {
      method: 'GET',
      signedUrl: queryUrl,
      serialNo: sim.merchant.platformSerialNo,
    });
    const answer = await get(queryUrl, headers);
    const detail = expectRefusal(answer, 401, 'SIGN_ERROR', 'serial_no');
    expect(detail.issue).toContain(sim.merchant.serialNo);
  });

  it('accepts the merchant serial in lower-case hex, as WeChat does', async () => {
    const serialNo = sim.merchant.serialNo.toLowerCase();
    expect(serialNo).not.toBe(sim.merchant.serialNo);
    const answer = await get(queryUrl, signedHeaders(sim, { method: 'GET', signedUrl: queryUrl, serialNo }));
    expect(answer.status).toBe(404);
    expect(answer.json()).toMatchObject({ code: 'ORDER_NOT_EXIST' });
  });

  it('refuses a timestamp 5 minutes or more away from real time', async () => {
    const stale = Math.floor(Date.now() / 1000) - 300;
    const old = await get(
      queryUrl,
      signedHeaders(sim, { method: 'GET', signedUrl: queryUrl, timestamp: stale }),
    );
    expect(expectRefusal(old, 401, 'SIGN_ERROR', 'timestamp').issue).toMatch(
      /^timestamp \d+ is 30[0-9] s behind server time/,
    );
  });

  it('checks timestamps on real time after the simulated clock moved, as WeChat does', async () => {
    sim.ctx.clock.advance(2 * 3600_000);
    const realTime = await get(queryUrl, signedHeaders(sim, { method: 'GET', signedUrl: queryUrl }));
    expect(realTime.status).toBe(404);
    expect(realTime.json()).toMatchObject({ code: 'ORDER_NOT_EXIST' });
    const simulatedTime = Math.floor(sim.ctx.clock.now() / 1000);
    const ahead = await get(
      queryUrl,
      signedHeaders(sim, { method: 'GET', signedUrl: queryUrl, timestamp: simulatedTime }),
    );
    expect(expectRefusal(ahead, 401, 'SIGN_ERROR', 'timestamp').issue).toMatch(/ahead of server time/);
    // The answer is signed on real time too: a verifier on the real clock accepts it.
    const signedAt = Number(realTime.headers['wechatpay-timestamp']);
    expect(Math.abs(signedAt - Date.now() / 1000)).toBeLessThan(60);
    expect(() => verifier().verify(realTime.headers, realTime.text)).not.toThrow();
  });

  it('refuses a replayed request: the same nonce twice', async () => {
    const headers = signedHeaders(sim, { method: 'GET', signedUrl: queryUrl });
    expect((await get(queryUrl, headers)).status).toBe(404);
    const replay = await get(queryUrl, headers);
    expect(expectRefusal(replay, 401, 'SIGN_ERROR', 'nonce_str').issue).toMatch(/replayed/);
  });

  it('refuses a missing or malformed Authorization, unsigned since no merchant is named', async () => {
    const headers = signedHeaders(sim, { method: 'GET', signedUrl: queryUrl });
    const missing = await get(queryUrl, { ...headers, Authorization: undefined });
    expectRefusal(missing, 401, 'SIGN_ERROR', 'Authorization');
    expect(missing.headers['wechatpay-signature']).toBeUndefined();

    const scheme = await get(queryUrl, {
      ...headers,
      Authorization: headers.Authorization!.replace('WECHATPAY2-SHA256-RSA2048', 'Bearer'),
    });
    expect(expectRefusal(scheme, 401, 'SIGN_ERROR', 'Authorization').issue).toMatch(/scheme Bearer/);

    const noSerial = await get(queryUrl, {
      ...headers,
      Authorization: headers.Authorization!.replace(/,serial_no="[^"]*"/, ''),
    });
    expect(expectRefusal(noSerial, 401, 'SIGN_ERROR', 'Authorization').issue).toMatch(/serial_no/);
  });

  it('refuses an unknown mchid with 400 MCH_NOT_EXISTS', async () => {
    const signer = new V3RequestSigner({
      mchid: '1234567890',
      serialNo: sim.merchant.serialNo,
      privateKey: sim.merchant.privateKeyPem,
    });
    const url = '/v3/pay/transactions/out-trade-no/NOPE000001?mchid=1234567890';
    const answer = await get(url, {
      Authorization: signer.authorization('GET', url, '', Math.floor(Date.now() / 1000)),
      Accept: 'application/json',
      'User-Agent': 'tests',
    });
    expect(expectRefusal(answer, 400, 'MCH_NOT_EXISTS', 'mchid').location).toBe('authorization');
  });

  it('requires a User-Agent and an Accept that allows JSON', async () => {
    const headers = signedHeaders(sim, { method: 'GET', signedUrl: queryUrl });
    expectRefusal(
      await get(queryUrl, { ...headers, 'User-Agent': undefined }),
      400,
      'INVALID_REQUEST',
      'User-Agent',
    );
    const html = await get(queryUrl, {
      ...signedHeaders(sim, { method: 'GET', signedUrl: queryUrl }),
      Accept: 'text/html',
    });
    expectRefusal(html, 400, 'INVALID_REQUEST', 'Accept');
  });

  it('refuses malformed JSON, a JSON body of another content type, and an oversized body', async () => {
    const broken = '{"appid":';
    const url = '/v3/pay/transactions/native';
    const malformed = await sendRaw(sim, {
      method: 'POST',
      url,
      body: broken,
      headers: signedHeaders(sim, { method: 'POST', signedUrl: url, signedBody: broken }),
    });
    expect(expectRefusal(malformed, 400, 'PARAM_ERROR', 'body').issue).toMatch(/not valid JSON/);

    const body = orderBody();
    const asText = await sendRaw(sim, {
      method: 'POST',
      url,
      body,
      headers: {
        ...signedHeaders(sim, { method: 'POST', signedUrl: url, signedBody: body }),
        'Content-Type': 'text/plain',
      },
    });
    expectRefusal(asText, 400, 'INVALID_REQUEST', 'Content-Type');

    const huge = JSON.stringify({ description: 'x'.repeat(70 * 1024) });
    const tooLarge = await sendRaw(sim, {
      method: 'POST',
      url,
      body: huge,
      headers: signedHeaders(sim, { method: 'POST', signedUrl: url, signedBody: huge }),
    });
    expectRefusal(tooLarge, 400, 'PARAM_ERROR', 'body');
    expect(() => verifier().verify(tooLarge.headers, tooLarge.text)).not.toThrow();
  });
});
