import { randomBytes } from 'node:crypto';

/**
 * A random certificate serial written the way WeChat Pay prints them: 40 upper-case hex digits.
 * The first byte is kept in 0x01..0x7f so the DER INTEGER needs no sign byte (RFC 5280's 20-octet
 * limit) and no leading zero is dropped (Node and OpenSSL would then print 38 digits).
 */
export function randomSerialNo(): string {
  const bytes = randomBytes(20);
  bytes[0] = ((bytes[0] ?? 0) % 0x7f) + 1;
  return bytes.toString('hex').toUpperCase();
}
