import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from '../../sim-context.js';
import { ApiFaultGate, type ApiFaultGateDeps } from '../api-fault-gate.js';
import { ShortUrlBook } from '../short-url-book.js';
import { type V2BillDeps, v2BillHandlers } from './v2-bill-handlers.js';
import { type V2CodePaymentDeps, v2CodePaymentHandlers } from './v2-code-payment-handlers.js';
import { required } from './v2-field-rules.js';
import { V2Gateway, type V2GatewayDeps, type V2Handler } from './v2-gateway.js';
import { type V2OrderDeps, v2OrderHandlers } from './v2-order-handlers.js';
import { type V2RefundDeps, v2RefundHandlers } from './v2-refund-handlers.js';
import { asciiHint, V2_RETURN_MSG, V2ReturnFailure, v2FailHint, v2FailXml } from './v2-replies.js';

type Screen = (request: FastifyRequest, reply: FastifyReply) => void;

/** What the v2 routes use together: each part's `Pick`, and the store the short URLs live in. */
export type V2RoutesDeps = ApiFaultGateDeps &
  V2GatewayDeps &
  V2OrderDeps &
  V2RefundDeps &
  V2BillDeps &
  V2CodePaymentDeps &
  Pick<SimContext, 'store'>;

/**
 * WeChat Pay API v2 (XML): the same paths as `api.mch.weixin.qq.com`, and all of them again under
 * `/sandboxnew/` where they verify and sign with the sandbox key from `getsignkey`. Every path
 * answers every method, so a GET gets WeChat's REQUIRE_POST_METHOD rather than a 404.
 */
export function v2Routes(app: FastifyInstance, ctx: V2RoutesDeps): void {
  const gateway = new V2Gateway(ctx, new ApiFaultGate(app, ctx));
  const orders = v2OrderHandlers(ctx);
  const refunds = v2RefundHandlers(ctx);
  const bills = v2BillHandlers(ctx);
  const codes = v2CodePaymentHandlers(ctx);
  const endpoints: Array<[path: string, op: string, handler: V2Handler, screen?: Screen]> = [
    ['/pay/micropay', 'micropay', codes.micropay],
    ['/secapi/pay/reverse', 'reverse', codes.reverse, refunds.screenClientCertificate],
    ['/pay/unifiedorder', 'unifiedorder', orders.unifiedOrder],
    ['/pay/orderquery', 'orderquery', orders.orderQuery],
    ['/pay/closeorder', 'closeorder', orders.closeOrder],
    ['/secapi/pay/refund', 'refund', refunds.refund, refunds.screenClientCertificate],
    ['/pay/refundquery', 'refundquery', refunds.refundQuery],
    ['/pay/downloadbill', 'downloadbill', bills.downloadBill],
    ['/pay/downloadfundflow', 'downloadfundflow', bills.downloadFundFlow, refunds.screenClientCertificate],
    ['/tools/shorturl', 'shorturl', shortUrlHandler(new ShortUrlBook(ctx.store))],
  ];
  for (const sandbox of [false, true]) {
    for (const [path, op, handler, screen] of endpoints) {
      const url = `${sandbox ? '/sandboxnew' : ''}${path}`;
      app.all(
        url,
        { errorHandler: v2ErrorHandler },
        gateway.endpoint(
          { api: `v2.${op}`, sandbox, screen, ...(op === 'reverse' ? { busyFields: { recall: 'Y' } } : {}) },
          handler,
        ),
      );
    }
  }
  app.all('/sandboxnew/pay/getsignkey', { errorHandler: v2ErrorHandler }, gateway.sandboxKeyEndpoint());
}

/** Mode-1 product URLs (and mode-2 `code_url`s) become `weixin://wxpay/s/…` codes with fewer QR modules. */
function shortUrlHandler(book: ShortUrlBook): V2Handler {
  return (call) => {
    const sent = required(call.fields, 'long_url', 1024);
    const longUrl = sent.startsWith('weixin%3A') ? decodeURIComponent(sent) : sent;
    if (!longUrl.startsWith('weixin://wxpay/bizpayurl?')) {
      throw new V2ReturnFailure(
        'long_url参数格式错误',
        'PARAM_ERROR',
        'long_url must be a weixin://wxpay/bizpayurl?... URL',
      );
    }
    return { fields: { short_url: book.shorten(longUrl) } };
  };
}

/**
 * What Fastify refuses before a handler runs (a body over its limit, a broken stream) still gets a
 * v2 XML answer; anything else is the simulator's own fault, answered as WeChat's busy signal.
 */
function v2ErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
  if (!tooLarge) request.log.error({ err: error }, 'v2 route failed');
  const failure = tooLarge
    ? new V2ReturnFailure(V2_RETURN_MSG.XML_FORMAT_ERROR, 'XML_FORMAT_ERROR', error.message)
    : new V2ReturnFailure('系统繁忙,请稍后再试', 'SYSTEMERROR', `simulator error: ${error.message}`);
  return reply
    .code(tooLarge ? 200 : 500)
    .header('x-sim-hint', asciiHint(v2FailHint(failure) ?? ''))
    .type('text/xml; charset=utf-8')
    .send(v2FailXml(failure));
}
