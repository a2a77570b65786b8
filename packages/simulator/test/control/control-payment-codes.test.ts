import { isPaymentCode } from '@wechatpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_CODE_LIFETIME_MS } from '../../src/engine/payment-code-book.js';
import { type RunningSimulator, startSimulator } from '../../src/index.js';
import { type ControlCall, controlClient } from './support/control-client.js';

describe('control API: the users’ payment codes (付款码)', () => {
  let sim: RunningSimulator;
  let call: ControlCall;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    call = controlClient(sim.url);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('issues one-time codes WeChat’s format accepts, each valid for a minute of simulated time', async () => {
    const first = await call('POST', '/users/alice/payment-code');
    expect(first.status).toBe(201);
    const { authCode, expiresAt, user } = first.body as { authCode: string; expiresAt: string; user: string };
    expect(user).toBe('alice');
    expect(isPaymentCode(authCode)).toBe(true);
    expect(authCode).toMatch(/^13\d{16}$/);
    expect(Date.parse(expiresAt) - sim.ctx.clock.now()).toBeLessThanOrEqual(PAYMENT_CODE_LIFETIME_MS);

    const second = (await call('POST', '/users/alice/payment-code')).body as { authCode: string };
    expect(second.authCode).not.toBe(authCode);
    // Both are valid until their minute ends; each pays once.
    expect(sim.ctx.paymentCodes.redeem(authCode)).toEqual({ userId: 'alice' });
    expect(sim.ctx.paymentCodes.redeem(authCode)).toEqual({ refusal: 'AUTH_CODE_INVALID' });
    expect(sim.ctx.paymentCodes.redeem('134567890123456789')).toEqual({ refusal: 'AUTH_CODE_INVALID' });

    sim.ctx.clock.advance(PAYMENT_CODE_LIFETIME_MS);
    expect(sim.ctx.paymentCodes.redeem(second.authCode)).toEqual({ refusal: 'AUTHCODEEXPIRE' });
  });

  it('knows only the simulated users', async () => {
    expect((await call('POST', '/users/nobody/payment-code')).status).toBe(404);
    expect((await call('POST', '/users/bad%20id/payment-code')).status).toBe(404);
  });
});
