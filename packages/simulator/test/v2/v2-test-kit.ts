/**
 * Raw-HTTP helpers for the v2 tests: what the SDK would never send (a GET, a wrong sign, GBK bytes)
 * is built here by hand, signed with the SDK's own primitives where a valid sign is wanted.
 */
import { buildV2Xml, parseV2Xml, type V2Fields, type V2SignType } from '@wechatpay-kit/sdk';
import { v2Sign, v2Verify } from '@wechatpay-kit/sdk/crypto';
import { expect } from 'vitest';
import type { RunningSimulator } from '../../src/simulator-server.js';

export interface RawAnswer {
  status: number;
  text: string;
  headers: Headers;
  fields: Record<string, string>;
}

export async function rawPost(
  url: string,
  body: string | Buffer | undefined,
  method = 'POST',
): Promise<RawAnswer> {
  const res = await fetch(url, { method, body, headers: { 'content-type': 'text/xml; charset=utf-8' } });
  const text = await res.text();
  let fields: Record<string, string> = {};
  try {
    fields = parseV2Xml(text);
  } catch {
    // not XML (an HTML error page, a bill): leave fields empty
  }
  return { status: res.status, text, headers: res.headers, fields };
}

/** A signed request body for the demo merchant, with any field overridden or removed (`undefined`). */
export function signedBody(
  sim: RunningSimulator,
  fields: V2Fields,
  options: { key?: string; signType?: V2SignType } = {},
): string {
  const message: V2Fields = {
    appid: sim.merchant.appid,
    mch_id: sim.merchant.mchid,
    nonce_str: 'n0nce5tr1ng',
    ...fields,
  };
  const signType = options.signType ?? 'MD5';
  if (signType !== 'MD5') message.sign_type = signType;
  return buildV2Xml({ ...message, sign: v2Sign(message, options.key ?? sim.merchant.apiKey, signType) });
}

export function nativeOrder(outTradeNo: string, extra: V2Fields = {}): V2Fields {
  return {
    body: '模拟商品',
    out_trade_no: outTradeNo,
    total_fee: 100,
    spbill_create_ip: '203.0.113.7',
    notify_url: 'http://127.0.0.1:9/notify',
    trade_type: 'NATIVE',
    product_id: 'SKU-1',
    ...extra,
  };
}

/**
 * A communication-level refusal as WeChat sends it: FAIL and WeChat's message only (no `err_code`,
 * no sign); the official code it stands for is named first in `X-Sim-Hint`.
 */
export function expectReturnFail(
  answer: RawAnswer,
  errCode: string | undefined,
  returnMsg?: string | RegExp,
): void {
  expect(answer.status).toBe(200);
  expect(answer.fields.return_code).toBe('FAIL');
  expect(Object.keys(answer.fields).filter((name) => name !== 'error_code')).toEqual([
    'return_code',
    'return_msg',
  ]);
  if (errCode) expect(answer.headers.get('x-sim-hint')).toMatch(new RegExp(`^${errCode}(:|$)`));
  expect(answer.fields.sign).toBeUndefined();
  if (typeof returnMsg === 'string') expect(answer.fields.return_msg).toBe(returnMsg);
  else if (returnMsg) expect(answer.fields.return_msg).toMatch(returnMsg);
}

/** A business refusal: SUCCESS / FAIL, the err_code, signed for the merchant with the given type. */
export function expectResultFail(
  sim: RunningSimulator,
  answer: RawAnswer,
  errCode: string,
  options: { key?: string; signType?: V2SignType } = {},
): void {
  expect(answer.fields.return_code).toBe('SUCCESS');
  expect(answer.fields.result_code).toBe('FAIL');
  expect(answer.fields.err_code).toBe(errCode);
  expect(answer.fields.err_code_des).toBeTruthy();
  expectSignedFor(sim, answer, options);
}

export function expectSignedFor(
  sim: RunningSimulator,
  answer: RawAnswer,
  options: { key?: string; signType?: V2SignType } = {},
): void {
  const signType = options.signType ?? 'MD5';
  expect(v2Verify(answer.fields, options.key ?? sim.merchant.apiKey, signType)).toBe(signType);
  expect(answer.fields.mch_id).toBe(sim.merchant.mchid);
  expect(answer.fields.appid).toBeTruthy();
  expect(answer.fields.nonce_str).toMatch(/^[A-Za-z0-9]{32}$/);
  const tampered = { ...answer.fields, nonce_str: `${answer.fields.nonce_str}x` };
  expect(() => v2Verify(tampered, options.key ?? sim.merchant.apiKey, signType)).toThrow();
}

/** Today in UTC+8 as `yyyyMMdd`, on the simulator's clock. */
export function beijingToday(sim: RunningSimulator): string {
  return new Date(sim.ctx.clock.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
}
