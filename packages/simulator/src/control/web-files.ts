import { readFileSync } from 'node:fs';

/** `web/` sits two levels above both `src/control` (tests) and `dist/control` (the built package). */
const WEB_DIR = new URL('../../web/', import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** A page, script or stylesheet as it is served. */
export interface WebFile {
  type: string;
  body: string;
}

const cache = new Map<string, WebFile>();

/**
 * A file of the simulator's `web/` folder (the phone page, the console, the H5 cashier's script and
 * the stand-in `WeixinJSBridge`): plain files with no build step, so they are linted as what the
 * browser runs. Read on first use — when the routes are registered — and kept in memory: the files
 * do not change while the simulator runs, and no request touches the disk.
 */
export function webFile(name: string): WebFile {
  let file = cache.get(name);
  if (!file) {
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))];
    if (!type) throw new Error(`web/${name}: no content type for this extension`);
    file = { type, body: readFileSync(new URL(name, WEB_DIR), 'utf8') };
    cache.set(name, file);
  }
  return file;
}
