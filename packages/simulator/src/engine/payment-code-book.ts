import { randomInt } from 'node:crypto';
import type { SimClock } from './sim-clock.js';

/** How long a code shown on the phone can be scanned; the phone shows a new one every minute. */
export const PAYMENT_CODE_LIFETIME_MS = 60_000;

/** Why a scanned code cannot pay, in WeChat's v2 words (`AUTHCODEEXPIRE`, `AUTH_CODE_INVALID`). */
export type PaymentCodeRefusal = 'AUTHCODEEXPIRE' | 'AUTH_CODE_INVALID';

interface IssuedCode {
  userId: string;
  expiresAt: number;
  used: boolean;
}

/**
 * The users' payment codes (付款码): 18 digits starting `13` (WeChat's codes start 10–15), one-time
 * and valid for a minute on the simulated clock. Issuing a new code leaves the earlier ones valid
 * until they expire, as on a phone whose screen refreshed while the cashier was scanning. Kept in
 * memory only: a restart invalidates every code shown, which is what a person expects.
 */
export class PaymentCodeBook {
  readonly #codes = new Map<string, IssuedCode>();
  readonly #clock: SimClock;

  constructor(clock: SimClock) {
    this.#clock = clock;
  }

  issue(userId: string): { authCode: string; expiresAt: number } {
    const now = this.#clock.now();
    for (const [code, issued] of this.#codes) {
      if (issued.expiresAt + PAYMENT_CODE_LIFETIME_MS < now) this.#codes.delete(code);
    }
    let authCode: string;
    do {
      authCode = `13${String(randomInt(0, 1e8)).padStart(8, '0')}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
    } while (this.#codes.has(authCode));
    const expiresAt = now + PAYMENT_CODE_LIFETIME_MS;
    this.#codes.set(authCode, { userId, expiresAt, used: false });
    return { authCode, expiresAt };
  }

  /**
   * The user a scanned code pays for, the code then spent; or why it cannot pay: a code never
   * issued or already used is `AUTH_CODE_INVALID`, one past its minute `AUTHCODEEXPIRE`.
   */
  redeem(authCode: string): { userId: string } | { refusal: PaymentCodeRefusal } {
    const issued = this.#codes.get(authCode);
    if (!issued || issued.used) return { refusal: 'AUTH_CODE_INVALID' };
    if (this.#clock.now() >= issued.expiresAt) return { refusal: 'AUTHCODEEXPIRE' };
    issued.used = true;
    return { userId: issued.userId };
  }
}
