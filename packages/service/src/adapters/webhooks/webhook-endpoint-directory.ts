import {
  type Clock,
  type WebhookEndpoint,
  type WebhookEndpointStore,
  type WebhookEndpoints,
  type WebhookEventType,
  wantsWebhook,
} from '../../domain/index.js';

/** How long "does an endpoint want this event?" is answered from memory, default 1 s. */
const DEFAULT_CACHE_MS = 1_000;

/**
 * Every endpoint events go to: the environment's (fixed) and the admin's (in the store). Fan-out
 * and delivery read the store each time, so a change applies to the next event at once on every
 * instance; the question every state change asks first — does anyone want this event type? — is
 * answered from a list at most a second old, and afresh after a change made through
 * {@link WebhookEndpointDirectory.store}.
 */
export class WebhookEndpointDirectory implements WebhookEndpoints {
  /** The admin's endpoints, for managing them: each change also forgets the remembered list. */
  readonly store: WebhookEndpointStore;
  readonly #fixed: readonly WebhookEndpoint[];
  readonly #stored: WebhookEndpointStore;
  readonly #clock: Clock;
  readonly #cacheMs: number;
  #cached: { at: number; endpoints: readonly WebhookEndpoint[] } | undefined;

  constructor(
    fixed: readonly WebhookEndpoint[],
    stored: WebhookEndpointStore,
    clock: Clock,
    options: { cacheMs?: number } = {},
  ) {
    this.#fixed = fixed;
    this.#stored = stored;
    this.#clock = clock;
    this.#cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
    const forget = <T>(changed: Promise<T>) => changed.finally(() => (this.#cached = undefined));
    this.store = {
      list: () => stored.list(),
      find: (id) => stored.find(id),
      signing: (now) => stored.signing(now),
      create: (endpoint, at) => forget(stored.create(endpoint, at)),
      update: (id, changes, at) => forget(stored.update(id, changes, at)),
      rotateSecret: (id, secret, at, until) => forget(stored.rotateSecret(id, secret, at, until)),
    };
  }

  async wants(type: WebhookEventType): Promise<boolean> {
    if (wantsWebhook(this.#fixed, type)) return true;
    const cached = this.#cached;
    if (cached && performance.now() - cached.at < this.#cacheMs) return wantsWebhook(cached.endpoints, type);
    // A store that cannot be read (a secret that will not decrypt) must not fail the payment that
    // asks: the event is written, and its fan-out job fails, logs why and retries.
    return this.enabled().then(
      (endpoints) => wantsWebhook(endpoints, type),
      () => true,
    );
  }

  async enabled(): Promise<readonly WebhookEndpoint[]> {
    const stored = await this.#stored.signing(this.#clock.now());
    this.#cached = { at: performance.now(), endpoints: stored };
    return [...this.#fixed, ...stored];
  }

  async find(id: string): Promise<WebhookEndpoint | undefined> {
    return (
      this.#fixed.find((endpoint) => endpoint.id === id) ??
      (await this.#stored.signing(this.#clock.now())).find((endpoint) => endpoint.id === id)
    );
  }
}
