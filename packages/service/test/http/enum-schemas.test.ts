import { describe, expect, it } from 'vitest';
import { API_VERSIONS, ORDER_STATES, PAY_TYPES } from '../../src/domain/order.js';
import { REFUND_STATES } from '../../src/domain/refund.js';
import { ApiVersionSchema, OrderStateSchema, PayTypeSchema } from '../../src/http/api-schemas.js';
import { RefundStateSchema } from '../../src/http/refund-schemas.js';

describe('enum schemas', () => {
  it('accept exactly the values of the domain lists they are built from', () => {
    const values = (schema: { anyOf: { const: string }[] }) => schema.anyOf.map((s) => s.const);
    expect(values(OrderStateSchema)).toEqual([...ORDER_STATES]);
    expect(values(PayTypeSchema)).toEqual([...PAY_TYPES]);
    expect(values(ApiVersionSchema)).toEqual([...API_VERSIONS]);
    expect(values(RefundStateSchema)).toEqual([...REFUND_STATES]);
  });
});
