import { randomInt } from 'node:crypto';
import type { SimClock } from '../../engine/sim-clock.js';
import type { Collection, StateStore } from '../../engine/state-store.js';

/** Everything the platform hands out that a later call presents back. */
export type CredentialKind =
  | 'access_token'
  | 'stable_token'
  | 'jsapi_ticket'
  | 'wx_card_ticket'
  | 'sns_access_token'
  | 'sns_refresh_token';

export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo';

export interface IssuedCredential {
  value: string;
  kind: CredentialKind;
  appid: string;
  issuedAt: number;
  expiresAt: number;
  /** No longer handed out: a newer one took its place (it may still work until `revokedAt`/expiry). */
  retired?: boolean;
  /** Refused from this instant although not expired: superseded after the overlap, or force-refreshed. */
  revokedAt?: number;
  /** `stable_token` issued by `force_refresh` (those are rate-limited). */
  forced?: boolean;
  /** Web-authorisation credentials: whose, and what they allow. */
  userId?: string;
  openid?: string;
  scope?: OAuthScope;
  /** `sns_refresh_token`: the user access_token it last renewed. */
  accessToken?: string;
}

/** `valid`, or why a presented credential is refused: 40001 (`revoked`/`unknown`) or 42001 (`expired`). */
export type CredentialState = 'valid' | 'revoked' | 'expired' | 'unknown';

/** A single-use code: web authorisation (`oauth`) or `wx.login()` (`jscode`). */
export interface IssuedCode {
  value: string;
  kind: 'oauth' | 'jscode';
  appid: string;
  userId: string;
  openid: string;
  scope?: OAuthScope;
  issuedAt: number;
  expiresAt: number;
  usedAt?: number;
}

export type CodeOutcome =
  | { ok: true; code: IssuedCode }
  | { ok: false; reason: 'unknown' | 'expired' | 'used' };

/** Records are kept this long past expiry, so a late caller still hears "expired" rather than "unknown". */
const KEEP_AFTER_EXPIRY_MS = 24 * 3600_000;
const PRUNE_EVERY = 200;

/**
 * The platform's tokens, tickets and codes, persisted in the simulator's state so a restart (a demo
 * left overnight) does not silently revoke what clients hold. Every decision reads the simulated
 * clock: moving it two hours ahead expires tokens exactly as waiting would.
 */
export class PlatformCredentialStore {
  readonly #credentials: Collection<IssuedCredential>;
  readonly #codes: Collection<IssuedCode>;
  readonly #clock: SimClock;
  #sincePrune = 0;

  constructor(store: StateStore, clock: SimClock) {
    this.#credentials = store.collection<IssuedCredential>('platformCredentials', (c) => c.value);
    this.#codes = store.collection<IssuedCode>('platformCodes', (c) => c.value);
    this.#clock = clock;
  }

  issue(
    kind: CredentialKind,
    appid: string,
    lifetimeMs: number,
    extra: Partial<Omit<IssuedCredential, 'value' | 'kind' | 'appid' | 'issuedAt' | 'expiresAt'>> = {},
  ): IssuedCredential {
    this.#maybePrune();
    const now = this.#clock.now();
    return this.#credentials.set({
      value: credentialValue(kind),
      kind,
      appid,
      issuedAt: now,
      expiresAt: now + lifetimeMs,
      ...extra,
    });
  }

  find(value: string): IssuedCredential | undefined {
    return this.#credentials.get(value);
  }

  state(credential: IssuedCredential | undefined): CredentialState {
    if (!credential) return 'unknown';
    const now = this.#clock.now();
    if (credential.revokedAt !== undefined && now >= credential.revokedAt) return 'revoked';
    return now >= credential.expiresAt ? 'expired' : 'valid';
  }

  /** Credentials of `kind` for `appid` that still work, newest first. */
  live(kind: CredentialKind, appid: string): IssuedCredential[] {
    const found: IssuedCredential[] = [];
    for (const c of this.#credentials.values()) {
      if (c.kind === kind && c.appid === appid && this.state(c) === 'valid') found.push(c);
    }
    return found.sort((a, b) => b.issuedAt - a.issuedAt);
  }

  /** The credential of `kind` currently handed out for `appid`, if it still works. */
  current(kind: CredentialKind, appid: string): IssuedCredential | undefined {
    return this.live(kind, appid).find((c) => !c.retired);
  }

  /** Stops handing `credential` out; with `revokeAt`, it is refused from then on (never later than already set). */
  retire(credential: IssuedCredential, revokeAt?: number): void {
    credential.retired = true;
    if (revokeAt !== undefined) credential.revokedAt = Math.min(credential.revokedAt ?? revokeAt, revokeAt);
    this.#credentials.touch();
  }

  /** When the last `force_refresh` of `appid` happened, if one is still on record. */
  lastForcedAt(appid: string): number | undefined {
    let last: number | undefined;
    for (const c of this.#credentials.values()) {
      if (c.kind === 'stable_token' && c.appid === appid && c.forced) last = Math.max(last ?? 0, c.issuedAt);
    }
    return last;
  }

  /** Extends a user access_token (`refresh_token` on a live token renews it in place, as WeChat does). */
  extend(credential: IssuedCredential, lifetimeMs: number): void {
    credential.expiresAt = this.#clock.now() + lifetimeMs;
    this.#credentials.touch();
  }

  link(refresh: IssuedCredential, accessToken: string): void {
    refresh.accessToken = accessToken;
    this.#credentials.touch();
  }

  issueCode(
    code: Omit<IssuedCode, 'value' | 'issuedAt' | 'expiresAt' | 'usedAt'>,
    lifetimeMs: number,
  ): IssuedCode {
    this.#maybePrune();
    const now = this.#clock.now();
    return this.#codes.set({ ...code, value: codeValue(), issuedAt: now, expiresAt: now + lifetimeMs });
  }

  /** Looks a code up without consuming it (a refusal for another reason must not burn it). */
  peekCode(kind: IssuedCode['kind'], appid: string, value: string): CodeOutcome {
    const code = this.#codes.get(value);
    if (!code || code.kind !== kind || code.appid !== appid) return { ok: false, reason: 'unknown' };
    if (this.#clock.now() >= code.expiresAt) return { ok: false, reason: 'expired' };
    if (code.usedAt !== undefined) return { ok: false, reason: 'used' };
    return { ok: true, code };
  }

  consumeCode(code: IssuedCode): void {
    code.usedAt = this.#clock.now();
    this.#codes.touch();
  }

  #maybePrune(): void {
    this.#sincePrune += 1;
    if (this.#sincePrune < PRUNE_EVERY) return;
    this.#sincePrune = 0;
    const horizon = this.#clock.now() - KEEP_AFTER_EXPIRY_MS;
    for (const c of [...this.#credentials.values()])
      if (c.expiresAt < horizon) this.#credentials.delete(c.value);
    for (const c of [...this.#codes.values()]) if (c.expiresAt < horizon) this.#codes.delete(c.value);
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number, alphabet = ALPHABET): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Shaped like WeChat's: tokens `NN_` + ~130 URL-safe characters, tickets ~86 characters. */
function credentialValue(kind: CredentialKind): string {
  if (kind === 'jsapi_ticket' || kind === 'wx_card_ticket') return randomText(86, `${ALPHABET}-_`);
  return `86_${randomText(kind === 'sns_refresh_token' ? 120 : 133, `${ALPHABET}-_`)}`;
}

/** 32 characters, like the codes WeChat appends to redirects and hands to `wx.login()`. */
function codeValue(): string {
  return randomText(32);
}
