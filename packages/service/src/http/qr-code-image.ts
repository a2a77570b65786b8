import type { FastifyReply } from 'fastify';
import QRCode from 'qrcode';

export type QrImageFormat = 'svg' | 'png';

/** Sends `content` as a QR code image: the order codes and the product (poster) codes look alike. */
export async function sendQrCode(
  reply: FastifyReply,
  content: string,
  format: QrImageFormat,
  cacheControl: string,
): Promise<FastifyReply> {
  const options = { margin: 1, errorCorrectionLevel: 'M' } as const;
  reply.header('Cache-Control', cacheControl);
  if (format === 'svg') {
    return reply.type('image/svg+xml').send(await QRCode.toString(content, { ...options, type: 'svg' }));
  }
  return reply
    .type('image/png')
    .send(await QRCode.toBuffer(content, { ...options, type: 'png', width: 320 }));
}

export const QR_TYPES: Record<QrImageFormat, string> = { svg: 'image/svg+xml', png: 'image/png' };
