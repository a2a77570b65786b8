import { DerNode } from './der-node.js';

/** The parts of an existing certificate the issuer reuses. */
export interface CertificateFields {
  /** The subject Name exactly as encoded: a child's issuer field must match it byte for byte. */
  subjectName: Buffer;
  /** Extension values (the contents of `extnValue`) keyed by dotted OID. */
  extensions: Map<string, Buffer>;
}

/**
 * Reads the subject Name and the extensions of a DER certificate. Copying the issuer's encoded
 * Name, instead of rebuilding it from strings, keeps chains valid for CAs made by other tools
 * (string types, attribute order) since verifiers compare names after their own canonicalisation
 * but some compare bytes.
 */
export function readCertificateFields(certificateDer: Buffer): CertificateFields {
  const tbs = DerNode.parse(certificateDer).child(0, 'tbsCertificate');
  const fields = tbs.children();
  // version is an optional [0]; without it every later field moves up by one
  const base = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = tbs.child(base + 4, 'subject');
  const extensions = new Map<string, Buffer>();
  const wrapper = fields.slice(base + 6).find((node) => node.tag === 0xa3);
  for (const extension of wrapper?.child(0, 'extensions').children() ?? []) {
    const parts = extension.children();
    const value = parts.at(-1);
    if (parts[0] && value?.tag === 0x04) extensions.set(parts[0].objectIdentifier(), value.contents);
  }
  return { subjectName: subject.encoded, extensions };
}
