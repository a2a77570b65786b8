import type { FastifyContextConfig, FastifyInstance, FastifySchema } from 'fastify';

/** One route as registered: what a route-by-route check (the input fuzz test, the permission test) walks. */
export interface RouteEntry {
  method: string;
  url: string;
  schema?: FastifySchema;
  /** Its `config`, where a back-office route names its permission. */
  config?: FastifyContextConfig;
}

const tables = new WeakMap<FastifyInstance, RouteEntry[]>();

/**
 * Records every route registered on `app` from now on, and refuses at start a route whose path has
 * a parameter but no params schema: every path parameter has one explicit rule, none is read raw.
 */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    if (route.url.includes(':') && !route.schema?.params) {
      throw new Error(`route ${route.url} has path parameters but no params schema`);
    }
    for (const method of [route.method].flat()) {
      table.push({ method, url: route.url, schema: route.schema, config: route.config });
    }
  });
}

/** The routes of an app built with {@link recordRoutes}, in registration order. */
export function routesOf(app: FastifyInstance): readonly RouteEntry[] {
  return tables.get(app) ?? [];
}
