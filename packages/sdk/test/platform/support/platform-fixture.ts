import { PlatformClient } from '../../../src/platform/platform-client.js';
import { type FakePlatformOptions, FakePlatformServer } from './fake-platform-server.js';

export const APP = { appid: 'wx5f3a9c1e7b2d4f60', secret: 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6' } as const;

/** A clock tests move by hand, so expiry is exercised without sleeping. */
export class ManualClock {
  ms = Date.UTC(2024, 5, 1, 4, 0, 0);
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface PlatformFixture {
  clock: ManualClock;
  fake: FakePlatformServer;
  client: PlatformClient;
  close(): Promise<void>;
}

/** A fake platform on loopback plus a client pointed at it, sharing one manual clock. */
export async function startPlatform(options: Partial<FakePlatformOptions> = {}): Promise<PlatformFixture> {
  const clock = new ManualClock();
  const fake = await FakePlatformServer.start({ apps: [APP], now: clock.now, ...options });
  const client = new PlatformClient({ baseUrl: fake.url, retry: { retries: 2, baseDelayMs: 1 } });
  return {
    clock,
    fake,
    client,
    async close() {
      await client.close();
      await fake.close();
    },
  };
}

/** Everything a leaked credential could hide in: the message, the stack and the serialised error. */
export function errorText(err: unknown): string {
  const e = err as Error;
  return `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(err)}\n${String(e.cause ?? '')}`;
}

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
