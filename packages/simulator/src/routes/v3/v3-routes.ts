import type { FastifyInstance } from 'fastify';
import { ApiFaultGate, type ApiFaultGateDeps } from '../api-fault-gate.js';
import { type V3BillDeps, v3BillRoutes } from './v3-bill-routes.js';
import { v3CertificateRoutes } from './v3-certificate-routes.js';
import { type V3CodePaymentDeps, v3CodePaymentRoutes } from './v3-code-payment-routes.js';
import { type V3EndpointDeps, V3Endpoints } from './v3-endpoint.js';
import { type V3RefundDeps, v3RefundRoutes } from './v3-refund-routes.js';
import { type V3TransactionDeps, v3TransactionRoutes } from './v3-transaction-routes.js';

/** What the v3 routes use together: each part's `Pick` of the simulator context. */
export type V3RoutesDeps = ApiFaultGateDeps &
  V3EndpointDeps &
  V3TransactionDeps &
  V3CodePaymentDeps &
  V3RefundDeps &
  V3BillDeps;

/**
 * WeChat Pay API v3 (JSON): orders, payment codes, refunds, platform certificates and bills, each request
 * authenticated like the real gateway and each answer signed with the merchant's WeChat Pay key.
 */
export function v3Routes(app: FastifyInstance, ctx: V3RoutesDeps): void {
  const endpoints = new V3Endpoints(app, ctx, new ApiFaultGate(app, ctx));
  v3TransactionRoutes(endpoints, ctx);
  v3CodePaymentRoutes(endpoints, ctx);
  v3RefundRoutes(endpoints, ctx);
  v3CertificateRoutes(endpoints);
  v3BillRoutes(endpoints, ctx);
}
