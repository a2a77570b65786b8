import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network-order bytes of an IPv4 (4) or IPv6 (16) address, as an X.509 `iPAddress` SAN holds
 * them; `undefined` when the text is not an IP literal (so it is a DNS name). Square brackets
 * around IPv6 are accepted; zone ids (`fe80::1%eth0`) are not addresses a certificate can name.
 */
export function ipAddressBytes(text: string): Buffer | undefined {
  const address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address) || address.includes('%')) return undefined;
  let groups = address;
  const embeddedV4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (embeddedV4) {
    const [a, b, c, d] = embeddedV4.split('.').map(Number) as [number, number, number, number];
    groups = `${address.slice(0, -embeddedV4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = groups.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0');
  const bytes = Buffer.alloc(16);
  [...headGroups, ...zeros, ...tailGroups].forEach((group, index) => {
    bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2);
  });
  return bytes;
}

const DNS_NAME = /^(\*\.)?(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i;

/** A DNS name a certificate may carry: LDH labels, optionally one leading `*.` wildcard, ASCII only. */
export function isDnsName(text: string): boolean {
  return text.length <= 253 && DNS_NAME.test(text);
}
