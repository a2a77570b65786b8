import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { expressNotifications } from '../../../src/express.js';
import { fastifyNotificationHandler, fastifyNotifications } from '../../../src/fastify.js';
import type { NotificationEndpoint } from '../../../src/frameworks/notification-endpoint.js';
import { koaNotifications } from '../../../src/koa.js';

/** The one route every app mounts behind a JSON body parser, the way users get it wrong. */
export const PARSED_PATH = '/parsed/v3';

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

export type FrameworkApp = (routes: Record<string, NotificationEndpoint>) => Promise<RunningApp>;

/**
 * Real apps as users write them: the callbacks mounted first, then the app's JSON body parser
 * (for its own API), then one callback wrongly mounted behind that parser at {@link PARSED_PATH}.
 */
export const frameworkApps: Record<'koa' | 'express' | 'fastify', FrameworkApp> = {
  async koa(routes) {
    const app = new Koa();
    for (const [path, endpoint] of Object.entries(routes)) {
      if (path !== PARSED_PATH) app.use(koaNotifications(endpoint, { path }));
    }
    app.use(bodyParser());
    app.use(koaNotifications(routes[PARSED_PATH]!, { path: PARSED_PATH }));
    app.use((ctx) => {
      ctx.body = { api: true, got: ctx.request.body };
    });
    return listen(createServer(app.callback()));
  },

  async express(routes) {
    const app = express();
    for (const [path, endpoint] of Object.entries(routes)) {
      if (path !== PARSED_PATH) app.post(path, expressNotifications(endpoint));
    }
    app.use(express.json());
    app.post(PARSED_PATH, expressNotifications(routes[PARSED_PATH]!));
    return listen(createServer(app));
  },

  async fastify(routes) {
    const app = Fastify();
    const { [PARSED_PATH]: parsed, ...rest } = routes;
    await app.register(fastifyNotifications, { routes: rest });
    app.post(PARSED_PATH, fastifyNotificationHandler(parsed!));
    app.post('/api/echo', async (request) => ({ got: request.body }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  },
};

async function listen(server: Server): Promise<RunningApp> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
