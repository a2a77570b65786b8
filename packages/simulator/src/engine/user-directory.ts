import { createHash } from 'node:crypto';
import type { SimUser } from './sim-records.js';
import type { Collection, StateStore } from './state-store.js';

const DEFAULT_USERS: SimUser[] = [
  { id: 'alice', nickname: '爱丽丝 Alice', balanceFen: null },
  { id: 'bob', nickname: '鲍勃 Bob', balanceFen: null },
  { id: 'carol', nickname: '卡罗尔 Carol (余额 ¥1.00)', balanceFen: 100 },
];

/**
 * Simulated WeChat users. As in WeChat, a user has a different openid in every app, derived here
 * deterministically so the same person keeps the same openid across restarts.
 */
export class UserDirectory {
  readonly #users: Collection<SimUser>;

  constructor(store: StateStore) {
    this.#users = store.collection<SimUser>('users', (u) => u.id);
  }

  /** Creates the demo users on first start. */
  seed(): void {
    if (this.#users.size === 0) for (const user of DEFAULT_USERS) this.#users.set({ ...user });
  }

  list(): SimUser[] {
    return [...this.#users.values()];
  }

  get(id: string): SimUser | undefined {
    return this.#users.get(id);
  }

  add(user: SimUser): SimUser {
    return this.#users.set(user);
  }

  /** Changes a user's balance or password-free limit (control API). */
  update(id: string, changes: Partial<Omit<SimUser, 'id'>>): SimUser {
    const user = this.#users.get(id);
    if (!user) throw new Error(`no simulated user ${id}`);
    Object.assign(user, changes);
    this.#users.touch();
    return user;
  }

  openid(userId: string, appid: string): string {
    const digest = createHash('sha256').update(`${appid}:${userId}`).digest('base64url');
    return `o${digest.slice(0, 27)}`;
  }

  /** The user behind an openid of an app. */
  byOpenid(appid: string, openid: string): SimUser | undefined {
    for (const user of this.#users.values()) if (this.openid(user.id, appid) === openid) return user;
    return undefined;
  }

  /** Takes a payment from the user's balance; false when it is too low. */
  charge(userId: string, fen: number): boolean {
    const user = this.#users.get(userId);
    if (!user) return false;
    if (user.balanceFen === null) return true;
    if (user.balanceFen < fen) return false;
    user.balanceFen -= fen;
    this.#users.touch();
    return true;
  }

  credit(userId: string, fen: number): void {
    const user = this.#users.get(userId);
    if (user && user.balanceFen !== null) {
      user.balanceFen += fen;
      this.#users.touch();
    }
  }
}
