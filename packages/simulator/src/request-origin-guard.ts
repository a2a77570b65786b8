import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The hosts WeChat's clients call by name: reaching the simulator under them needs a hosts entry. */
const WECHAT_HOSTS = [
  'api.mch.weixin.qq.com',
  'api2.mch.weixin.qq.com',
  'api.weixin.qq.com',
  'open.weixin.qq.com',
];
const WILDCARD_LISTEN = new Set(['0.0.0.0', '::', '']);

/**
 * Paths a merchant's page on its own origin calls: the stand-in bridge, its pay-request checks and
 * the stand-in `wx.config` check. None of them reveals a key or a ticket.
 */
function openToAnyOrigin(path: string): boolean {
  return (
    path === '/_sim/jsbridge.js' ||
    path.startsWith('/_sim/pay-requests/') ||
    path === '/_sim/platform/jssdk/verify'
  );
}

export interface RequestOriginGuardOptions {
  /** The address the simulator listens on (`127.0.0.1`, `0.0.0.0`, a LAN address…). */
  listenHost: string;
  /** `--public-url`: its host is the simulator's own too (proxies, containers). */
  publicUrl?: string;
  /** More names the simulator is reached by (HTTPS certificate names, `allowedHosts`). */
  hosts?: readonly string[];
}

/**
 * Keeps the web pages a developer happens to open away from the simulator, whose control API has
 * no authentication and hands out every merchant's keys.
 *
 * Two checks, before any route. The `Host` must be the simulator's own — a loopback name or address
 * (any port), WeChat's API hosts (a hosts entry pointing at it), the public URL's host, the listen
 * address (or, listening on all interfaces, one of this machine's addresses) — which defeats DNS
 * rebinding, where a hostile name resolves to 127.0.0.1. And under `/_sim/` a request from another
 * origin (an `Origin` that is not the simulator's, or `Sec-Fetch-Site` cross-site / same-site outside
 * a navigation) is refused, so a foreign page cannot pay orders or move the clock with a `text/plain`
 * POST that needs no preflight. Links to the pages still work (navigations), and the stand-in
 * bridge's endpoints stay open to every origin: a merchant's own page calls them.
 */
export class RequestOriginGuard {
  readonly #names: Set<string>;
  readonly #publicOrigin: string | undefined;
  readonly #anyOwnAddress: boolean;

  constructor(options: RequestOriginGuardOptions) {
    const listen = normaliseHost(options.listenHost);
    this.#anyOwnAddress = WILDCARD_LISTEN.has(listen);
    this.#names = new Set([...WECHAT_HOSTS, ...(options.hosts ?? []).map(normaliseHost), listen]);
    if (options.publicUrl) {
      const url = new URL(options.publicUrl);
      this.#names.add(normaliseHost(url.hostname));
      this.#publicOrigin = url.origin;
    }
  }

  /** Whether a `Host` header (`name[:port]`) names this simulator. A request without one is not a browser's. */
  hostAllowed(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined) return true;
    const name = hostName(hostHeader);
    if (name === undefined) return false;
    if (isLoopback(name) || this.#names.has(name)) return true;
    return this.#anyOwnAddress && isIP(name) !== 0 && ownAddresses().has(name);
  }

  /** Whether a control-API request comes from the simulator's own pages (or from no page at all). */
  sameOrigin(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (origin === this.#publicOrigin) return true;
      const host = request.headers.host;
      try {
        return host !== undefined && new URL(origin).host === host.toLowerCase();
      } catch {
        return false;
      }
    }
    const site = request.headers['sec-fetch-site'];
    const crossSite = site === 'cross-site' || site === 'same-site';
    return !crossSite || request.headers['sec-fetch-mode'] === 'navigate';
  }

  /** Adds both checks to every request of `app`. */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      if (!this.hostAllowed(request.headers.host))
        return refuse(reply, 'HOST_NOT_ALLOWED', hostMessage(request));
      const path = request.url.split('?', 1)[0] ?? '';
      if (path.startsWith('/_sim') && !openToAnyOrigin(path) && !this.sameOrigin(request)) {
        return refuse(
          reply,
          'CROSS_ORIGIN_REFUSED',
          `the control API answers the simulator's own pages only, not ${request.headers.origin ?? 'a page of another site'} (only /_sim/jsbridge.js, /_sim/pay-requests/* and /_sim/platform/jssdk/verify are open to other origins)`,
        );
      }
      return undefined;
    });
  }
}

function refuse(reply: FastifyReply, error: string, message: string): FastifyReply {
  return reply.code(403).header('cache-control', 'no-store').send({ error, message });
}

function hostMessage(request: FastifyRequest): string {
  const shown = String(request.headers.host)
    .replace(/[^\x21-\x7e]/g, '?')
    .slice(0, 100);
  return `Host ${shown} is not this simulator's: use a loopback address (127.0.0.1, localhost), or start it with --public-url naming the host you reach it by`;
}

function normaliseHost(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

/** The name part of a `Host` header, lower-case, IPv6 without brackets; `undefined` when malformed. */
function hostName(header: string): string | undefined {
  const text = header.trim().toLowerCase();
  const match = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(text) ?? /^([^:[\]\s/@]+)(?::\d{1,5})?$/.exec(text);
  return match?.[1] === undefined ? undefined : normaliseHost(match[1]);
}

function isLoopback(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1' || /^::ffff:127\.\d+\.\d+\.\d+$/.test(name);
}

let cachedAddresses: { at: number; addresses: Set<string> } | undefined;

/** This machine's interface addresses, re-read at most every 10 s (DHCP, VPNs). */
function ownAddresses(): Set<string> {
  const now = Date.now();
  if (!cachedAddresses || now - cachedAddresses.at > 10_000) {
    const addresses = new Set<string>();
    for (const list of Object.values(networkInterfaces())) {
      for (const entry of list ?? []) addresses.add(entry.address.toLowerCase().split('%')[0] ?? '');
    }
    cachedAddresses = { at: now, addresses };
  }
  return cachedAddresses.addresses;
}
