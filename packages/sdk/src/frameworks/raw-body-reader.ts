import type { IncomingMessage } from 'node:http';
import { WechatPayNotificationError } from '../errors.js';
import { bodyAlreadyConsumed, type FrameworkName } from './body-parser-hint.js';

/** The request as a framework hands it over: the Node stream, and what a body parser left, if any. */
export interface RawNotificationRequest {
  headers: IncomingMessage['headers'];
  /** The request stream, unread; not read at all when `rawBody` is given. */
  stream?: IncomingMessage | NodeJS.ReadableStream;
  /**
   * The exact bytes, when the framework already read them and kept them (NestJS with
   * `rawBody: true` gives `req.rawBody`): used as they are, within the same size bound.
   */
  rawBody?: Buffer;
  /** `req.body`, `ctx.request.body` …: only consulted when the stream turns out to be read already. */
  parsedBody?: unknown;
  framework?: FrameworkName;
}

/** WeChat's callbacks are 1–2 KiB; anything near this bound is not from WeChat. */
export const DEFAULT_MAX_NOTIFICATION_BYTES = 64 * 1024;

/**
 * Reads the whole raw body, refusing it past `maxBytes` (by `Content-Length` before reading, and
 * while reading for chunked bodies) and refusing a stream a body parser already emptied, with an
 * error that says so: reading an ended stream would otherwise wait forever or yield nothing.
 */
export function readRawBody(request: RawNotificationRequest, maxBytes: number): Promise<Buffer> {
  const framework = request.framework ?? 'node';
  if (Buffer.isBuffer(request.rawBody)) {
    return request.rawBody.length > maxBytes
      ? Promise.reject(tooLarge(request.rawBody.length, maxBytes))
      : Promise.resolve(request.rawBody);
  }
  const stream = request.stream as IncomingMessage | undefined;
  if (!stream || stream.readableEnded || stream.readable === false || stream.destroyed) {
    const parsed = request.parsedBody !== undefined && request.parsedBody !== null;
    return Promise.reject(bodyAlreadyConsumed(framework, parsed));
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    stream.resume();
    return Promise.reject(tooLarge(declared, maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxBytes) {
        cleanup();
        stream.resume();
        reject(tooLarge(size, maxBytes));
      } else chunks.push(bytes);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (cause: unknown) => {
      cleanup();
      reject(
        new WechatPayNotificationError('aborted', '读取请求体失败 (reading the request body failed)', {
          cause,
        }),
      );
    };
    const onClose = () => {
      if (stream.readableEnded) return;
      cleanup();
      reject(
        new WechatPayNotificationError(
          'aborted',
          '请求在请求体读完前断开 (the request closed before its body ended)',
        ),
      );
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

function tooLarge(size: number, maxBytes: number): WechatPayNotificationError {
  return new WechatPayNotificationError(
    'too-large',
    `请求体 ${size} 字节，超过上限 ${maxBytes} 字节 (body of ${size} bytes exceeds the ${maxBytes}-byte bound)`,
  );
}
