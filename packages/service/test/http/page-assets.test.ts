import { readdirSync, readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { pageRoutes } from '../../src/http/routes/page-routes.js';

/**
 * Every script and stylesheet a page names is served: a module missing from the route's ASSETS
 * list breaks its page in the browser with nothing but a 404 in the console.
 */
const WEB = new URL('../../web/', import.meta.url);

describe('the pages’ assets', () => {
  it('serves every /assets/ file the pages and their modules name', async () => {
    const app = Fastify();
    await app.register(pageRoutes, {});
    const named = new Set<string>();
    for (const name of readdirSync(WEB).filter((n) => /\.(html|js)$/.test(n))) {
      const text = readFileSync(new URL(name, WEB), 'utf8');
      for (const m of text.matchAll(/\/assets\/([\w.-]+\.(?:js|css))/g)) named.add(m[1]!);
      for (const m of text.matchAll(/from '\.\/([\w.-]+\.js)'/g)) named.add(m[1]!);
    }
    expect(named.has('pos-status.js')).toBe(true);
    for (const name of named) {
      const answer = await app.inject({ method: 'GET', url: `/assets/${name}` });
      expect(answer.statusCode, name).toBe(200);
    }
    for (const page of ['/pos', '/admin', '/']) {
      expect((await app.inject({ method: 'GET', url: page })).statusCode, page).toBe(200);
    }
    await app.close();
  });
});
