import { describe, expect, it } from 'vitest';
import { assertPaymentCode, isPaymentCode, maskPaymentCode } from '../../src/core/payment-code-validator.js';
import { WechatPayValidationError } from '../../src/errors.js';

describe('payment code validator', () => {
  it.each(['100000000000000000', '134567890123456789', '159999999999999999'])('accepts %s', (code) => {
    expect(isPaymentCode(code)).toBe(true);
    expect(() => assertPaymentCode(code)).not.toThrow();
  });

  it.each([
    ['an Alipay code', '284567890123456789'],
    ['prefix 16', '164567890123456789'],
    ['prefix 09', '094567890123456789'],
    ['17 digits', '13456789012345678'],
    ['19 digits', '1345678901234567890'],
    ['a letter', '13456789012345678a'],
    ['spaces around', ' 134567890123456789'],
  ])('refuses %s without echoing it', (_, code) => {
    expect(isPaymentCode(code)).toBe(false);
    let caught: unknown;
    try {
      assertPaymentCode(code);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WechatPayValidationError);
    expect((caught as WechatPayValidationError).field).toBe('auth_code');
    expect((caught as Error).message).not.toContain(code.trim());
    expect((caught as Error).message).toContain(`(${code.length} characters)`);
  });

  it('refuses non-strings and names the given field', () => {
    // As a number the code has already lost its last digits (above 2^53): it must stay a string.
    for (const value of [Number('134567890123456789'), undefined, null, {}]) {
      expect(isPaymentCode(value)).toBe(false);
      expect(() => assertPaymentCode(value, 'payer.auth_code')).toThrow(/payer\.auth_code/);
    }
  });

  it('masks all but two characters at each end', () => {
    expect(maskPaymentCode('134567890123456789')).toBe('13**************89');
    expect(maskPaymentCode('12345')).toBe('*****');
    expect(maskPaymentCode(42)).toBe('(number)');
  });
});
