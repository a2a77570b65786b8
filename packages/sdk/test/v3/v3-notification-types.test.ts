/**
 * Type-level: checked by `tsc -p tsconfig.test.json` (strict) in `npm run lint`. A paid
 * transaction's fields are required, so the README's `event.resource.amount.total` compiles as is.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { V3Notification, V3PaidTransaction } from '../../src/index.js';

function paidTotal(event: V3Notification): number | undefined {
  if (event.event_type === 'TRANSACTION.SUCCESS') return event.resource.amount.total;
  return undefined;
}

describe('V3 notification types', () => {
  it('types a TRANSACTION.SUCCESS resource as paid', () => {
    expectTypeOf(paidTotal).returns.toEqualTypeOf<number | undefined>();
    expectTypeOf<V3PaidTransaction['transaction_id']>().toEqualTypeOf<string>();
    expectTypeOf<V3PaidTransaction['success_time']>().toEqualTypeOf<string>();
    expectTypeOf<V3PaidTransaction['payer']>().toEqualTypeOf<{ openid: string }>();
    expectTypeOf<V3PaidTransaction['amount']['payer_total']>().toEqualTypeOf<number>();
  });
});
