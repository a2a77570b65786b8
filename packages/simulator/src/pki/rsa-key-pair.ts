import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

/**
 * A fresh RSA-2048 key pair, generated on the libuv thread pool: a 2048-bit key takes tens to
 * hundreds of milliseconds, which would stall every request the simulator is serving if done
 * synchronously. 2048 bits is what WeChat Pay issues and requires.
 */
export async function generateRsaKeyPair(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return generate('rsa', { modulusLength: 2048 });
}
