import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../../sim-context.js';
import { ApiFaultGate } from '../api-fault-gate.js';
import { v3BillRoutes } from './v3-bill-routes.js';
import { v3CertificateRoutes } from './v3-certificate-routes.js';
import { V3Endpoints } from './v3-endpoint.js';
import { v3RefundRoutes } from './v3-refund-routes.js';
import { v3TransactionRoutes } from './v3-transaction-routes.js';

/**
 * WeChat Pay API v3 (JSON): orders, refunds, platform certificates and bills, each request
 * authenticated like the real gateway and each answer signed with the merchant's WeChat Pay key.
 */
export function v3Routes(app: FastifyInstance, ctx: SimContext): void {
  const endpoints = new V3Endpoints(app, ctx, new ApiFaultGate(app, ctx));
  v3TransactionRoutes(endpoints, ctx);
  v3RefundRoutes(endpoints, ctx);
  v3CertificateRoutes(endpoints);
  v3BillRoutes(endpoints, ctx);
}
