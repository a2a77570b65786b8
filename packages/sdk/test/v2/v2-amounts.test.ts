import { describe, expect, it } from 'vitest';
import { WechatPayFormatError } from '../../src/errors.js';
import { collectV2Refunds, withV2Amounts } from '../../src/v2/v2-amounts.js';

describe('withV2Amounts', () => {
  it('turns amount and count fields into numbers and leaves ids alone', () => {
    expect(
      withV2Amounts({
        total_fee: '0010',
        cash_fee: '7',
        coupon_fee_0: '3',
        out_trade_no: '0001',
        refund_count: '2',
      }),
    ).toEqual({ total_fee: 10, cash_fee: 7, coupon_fee_0: 3, out_trade_no: '0001', refund_count: 2 });
  });

  it.each(['1.00', '-1', '', '1e3', ' 1'])('refuses the amount %j', (value) => {
    expect(() => withV2Amounts({ total_fee: value })).toThrow(WechatPayFormatError);
  });
});

describe('collectV2Refunds', () => {
  it('gathers _$n fields, ignores _$n_$m coupon fields and handles n >= 10', () => {
    const fields: Record<string, string> = { refund_count: '12' };
    for (let n = 0; n < 12; n++) {
      Object.assign(fields, {
        [`out_refund_no_${n}`]: `r${n}`,
        [`refund_id_${n}`]: `id${n}`,
        [`refund_fee_${n}`]: String(n + 1),
        [`refund_status_${n}`]: n === 11 ? 'PROCESSING' : 'SUCCESS',
      });
    }
    fields.coupon_refund_fee_1 = '5';
    fields.coupon_type_1_0 = 'CASH';
    fields.coupon_refund_fee_1_0 = '5';
    const refunds = collectV2Refunds(fields);
    expect(refunds).toHaveLength(12);
    expect(refunds[1]).toEqual({
      out_refund_no: 'r1',
      refund_id: 'id1',
      refund_fee: 2,
      refund_status: 'SUCCESS',
      coupon_refund_fee: 5,
    });
    expect(refunds[11]).toMatchObject({ out_refund_no: 'r11', refund_fee: 12, refund_status: 'PROCESSING' });
  });

  it('refuses a refund_count that promises more refunds than were sent', () => {
    expect(() => collectV2Refunds({ refund_count: '1' })).toThrow(/refund 0 of 1/);
  });
});
