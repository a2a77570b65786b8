import { describe, expect, it } from 'vitest';
import { isPaidTradeState } from '../../src/core/trade-state.js';

describe('isPaidTradeState', () => {
  it.each(['SUCCESS', 'REFUND'])('%s is paid', (state) => {
    expect(isPaidTradeState(state)).toBe(true);
  });

  it.each(['NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR', ''])('%s is not paid', (state) => {
    expect(isPaidTradeState(state)).toBe(false);
  });
});
