import { WechatPayFormatError } from '@wechatpay-kit/sdk';

/**
 * One parsed DER element. The issuer only has to read certificates it is given (an issuer's exact
 * subject Name and key identifier, a stored server certificate's SANs), so this walks TLVs and
 * slices buffers rather than building a full ASN.1 model. Malformed input raises
 * `WechatPayFormatError`; nothing is read past a declared length.
 */
export class DerNode {
  /** The identifier octet: class, constructed bit and (low) tag number. */
  readonly tag: number;
  /** The complete encoding, tag and length included: what an issuer copies verbatim. */
  readonly encoded: Buffer;
  /** The value octets only. */
  readonly contents: Buffer;

  private constructor(tag: number, encoded: Buffer, contents: Buffer) {
    this.tag = tag;
    this.encoded = encoded;
    this.contents = contents;
  }

  /** Parses a buffer that must hold exactly one element. */
  static parse(bytes: Buffer): DerNode {
    const node = DerNode.readAt(bytes, 0);
    if (node.encoded.length !== bytes.length) throw malformed('trailing bytes after the element');
    return node;
  }

  private static readAt(bytes: Buffer, offset: number): DerNode {
    const tag = bytes[offset];
    const first = bytes[offset + 1];
    if (tag === undefined || first === undefined) throw malformed('truncated element header');
    if ((tag & 0x1f) === 0x1f) throw malformed('high tag numbers are not supported');
    let length = first;
    let header = 2;
    if (first & 0x80) {
      const count = first & 0x7f;
      if (count === 0 || count > 4) throw malformed('indefinite or oversized length');
      if (offset + 2 + count > bytes.length) throw malformed('truncated length');
      length = bytes.readUIntBE(offset + 2, count);
      header += count;
    }
    const end = offset + header + length;
    if (end > bytes.length) throw malformed('element longer than its container');
    return new DerNode(tag, bytes.subarray(offset, end), bytes.subarray(offset + header, end));
  }

  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }

  /** The elements inside a constructed element (SEQUENCE, SET, explicit tags). */
  children(): DerNode[] {
    if (!this.constructed) throw malformed(`element with tag 0x${this.tag.toString(16)} is not constructed`);
    const nodes: DerNode[] = [];
    for (let offset = 0; offset < this.contents.length; ) {
      const node = DerNode.readAt(this.contents, offset);
      nodes.push(node);
      offset += node.encoded.length;
    }
    return nodes;
  }

  /** The `index`th child, or a format error naming what was expected there. */
  child(index: number, what: string): DerNode {
    const node = this.children()[index];
    if (!node) throw malformed(`missing ${what}`);
    return node;
  }

  /** Decodes an OBJECT IDENTIFIER into its dotted form. */
  objectIdentifier(): string {
    if (this.tag !== 0x06 || this.contents.length === 0) throw malformed('expected an OBJECT IDENTIFIER');
    const arcs: bigint[] = [];
    let arc = 0n;
    for (const byte of this.contents) {
      arc = (arc << 7n) | BigInt(byte & 0x7f);
      if (byte & 0x80) continue;
      if (arcs.length === 0) arcs.push(arc < 80n ? arc / 40n : 2n, arc < 80n ? arc % 40n : arc - 80n);
      else arcs.push(arc);
      arc = 0n;
    }
    if (this.contents.at(-1)! & 0x80) throw malformed('truncated OBJECT IDENTIFIER');
    return arcs.join('.');
  }
}

function malformed(message: string): WechatPayFormatError {
  return new WechatPayFormatError(`malformed DER: ${message}`);
}
