import { TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { V2Call } from './v2-gateway.js';
import { V2HttpRefusal, V2ReturnFailure } from './v2-replies.js';

/**
 * The `/secapi` endpoints' mutual TLS, in WeChat's order: before the body is read, nginx refuses a
 * connection without a client certificate or with one the merchant CA did not issue; after the
 * sign is checked, the certificate must be the calling merchant's own. Over plain HTTP (tests,
 * the demo) nothing can be checked and the answer says so in `X-Sim-Warning`.
 */
export const v2ClientCertificate = {
  screen(request: FastifyRequest, reply: FastifyReply): void {
    const socket = request.raw.socket;
    if (!(socket instanceof TLSSocket)) {
      reply.header('x-sim-warning', 'client certificate not checked over HTTP');
      return;
    }
    const peer = socket.getPeerCertificate();
    if (!peer || Object.keys(peer).length === 0)
      throw new V2HttpRefusal(400, 'No required SSL certificate was sent');
    if (!socket.authorized) throw new V2HttpRefusal(400, 'The SSL certificate error');
  },

  checkOwner(call: V2Call): void {
    const socket = call.request.raw.socket;
    if (!(socket instanceof TLSSocket)) return;
    const serial = socket.getPeerCertificate().serialNumber ?? '';
    if (normaliseSerial(serial) !== normaliseSerial(call.merchant.merchantSerialNo)) {
      throw new V2ReturnFailure(
        '证书与商户号不匹配',
        'CERT_MCHID_NOT_MATCH',
        `the client certificate has serial ${serial}; merchant ${call.merchant.mchid}'s API certificate is ${call.merchant.merchantSerialNo}`,
      );
    }
  },
};

function normaliseSerial(serial: string): string {
  return serial
    .replace(/[^0-9a-f]/gi, '')
    .replace(/^0+/, '')
    .toUpperCase();
}
