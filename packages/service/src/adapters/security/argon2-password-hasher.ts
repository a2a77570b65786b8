import { hash, type Options, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../../domain/admin-user-ports.js';

/**
 * Argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane): memory-hard, so a leaked hash
 * is slow to guess on GPUs. The PHC string keeps the algorithm, cost and salt, so raising the cost
 * later still verifies old hashes. `@node-rs/argon2` ships prebuilt binaries: nothing compiles.
 */
const ARGON2ID: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export class Argon2PasswordHasher implements PasswordHasher {
  hash(password: string): Promise<string> {
    return hash(password, ARGON2ID);
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }
}
