/**
 * Type-level (checked by `tsc -p tsconfig.test.json` in `npm run lint`): each handler receives its
 * event type's strict resource, as docs/en/frameworks.md shows.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type {
  ProductCallback,
  V2PaymentNotification,
  V2RefundNotification,
  V3NotificationHandlers,
  V3PaidTransaction,
  V3RefundNotificationResource,
} from '../../src/index.js';

type HandlerArg<K extends keyof V3NotificationHandlers> = Parameters<
  NonNullable<V3NotificationHandlers[K]>
>[0];

describe('notification handler types', () => {
  it('gives TRANSACTION.SUCCESS the paid transaction and refunds their resource and state', () => {
    expectTypeOf<HandlerArg<'TRANSACTION.SUCCESS'>['resource']>().toEqualTypeOf<V3PaidTransaction>();
    expectTypeOf<HandlerArg<'REFUND.SUCCESS'>['resource']>().toEqualTypeOf<V3RefundNotificationResource>();
    expectTypeOf<HandlerArg<'REFUND.ABNORMAL'>['event_type']>().toEqualTypeOf<'REFUND.ABNORMAL'>();
  });

  it('types the v2 and mode-1 handlers by what they verify', () => {
    expectTypeOf<V2PaymentNotification['total_fee']>().toEqualTypeOf<number>();
    expectTypeOf<V2RefundNotification['out_refund_no']>().toEqualTypeOf<string>();
    expectTypeOf<ProductCallback['product_id']>().toEqualTypeOf<string>();
  });
});
