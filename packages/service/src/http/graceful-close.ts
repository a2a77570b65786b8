import type { FastifyInstance } from 'fastify';
import type { OrderEventStreams } from './order-event-stream.js';

/** WeChat waits 5 s for a notification's answer: what is in flight at shutdown gets as long. */
export const SHUTDOWN_GRACE_MS = 5_000;

/** The SSE `retry:` sent to streams ended by shutdown: reconnect soon, to another instance. */
const RECONNECT_AFTER_SHUTDOWN_MS = 1_000;

export interface GracefulCloseOptions {
  /** How long requests in flight may take to finish before their connections are cut. */
  graceMs: number;
  /** The SSE `retry:` given to each open stream as it is ended (1 s). */
  reconnectMs?: number;
}

/** What closing had to do. */
export interface GracefulCloseResult {
  /** Requests were still running when the grace period ended, and their connections were cut. */
  cut: boolean;
}

/**
 * Closes the HTTP side without dropping a request that is being answered: the listener closes at
 * once (new connections are refused, and a request arriving on a kept-alive connection gets 503
 * with `Connection: close`, so a load balancer retries it elsewhere); SSE streams end with a
 * reconnect hint; requests in flight — a WeChat notification being applied — get up to `graceMs`,
 * which is WeChat's own timeout (5 s), to answer. Connections fall idle as their requests finish
 * and are closed as they do; whatever still runs at the end of the grace period is cut.
 */
export async function closeGracefully(
  app: FastifyInstance,
  streams: OrderEventStreams,
  options: GracefulCloseOptions,
): Promise<GracefulCloseResult> {
  streams.closeAll(options.reconnectMs ?? RECONNECT_AFTER_SHUTDOWN_MS);
  const { server } = app;
  let cut = false;
  const idle = setInterval(() => server.closeIdleConnections(), 25);
  const deadline = setTimeout(() => {
    cut = true;
    server.closeAllConnections();
  }, options.graceMs);
  try {
    await app.close();
  } finally {
    clearInterval(idle);
    clearTimeout(deadline);
  }
  return { cut };
}
