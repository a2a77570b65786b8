import type { KeyObject } from 'node:crypto';
import { rsaVerify, signedMessage } from '@wechatpay-kit/sdk/crypto';

/** What the request carried, as the signature check saw it. */
export interface SignedRequest {
  method: string;
  /** Path plus query exactly as requested. */
  url: string;
  timestamp: string;
  nonce: string;
  body: Buffer;
  signature: string;
  /** `http(s)://host`, for recognising a client that signed the absolute URL. */
  origin: string;
}

/** The message WeChat verifies: `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`. */
export function requestSignedMessage(
  r: Pick<SignedRequest, 'method' | 'url' | 'timestamp' | 'nonce' | 'body'>,
): Buffer {
  return signedMessage(r.method, r.url, r.timestamp, r.nonce, r.body) as Buffer;
}
const RSA_2048_BYTES = 256;

/**
 * Explains a signature that does not verify. The usual client bugs — signing the path without its
 * query, the decoded or absolute URL, a re-serialized body, a lower-case method, no final newline —
 * each yield a message the client's signature DOES verify; finding that one names the bug exactly.
 * Runs only on the failure path, so the extra RSA verifications cost nothing in normal traffic.
 */
export function diagnoseSignature(request: SignedRequest, key: KeyObject): string {
  const raw = Buffer.from(request.signature, 'base64');
  if (raw.length !== RSA_2048_BYTES) {
    return `signature is not a base64 SHA256withRSA (RSA-2048) signature: it decodes to ${raw.length} bytes, expected ${RSA_2048_BYTES}`;
  }
  for (const candidate of candidates(request)) {
    if (rsaVerify(key, candidate.message, request.signature)) return candidate.issue;
  }
  return (
    'signature does not verify with the public key of the merchant API certificate named by serial_no: ' +
    'sign METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n (URL = path and query exactly as sent, BODY = the exact ' +
    'bytes sent, empty for GET, every line ending in \\n) with SHA256withRSA and that certificate’s private key'
  );
}

interface Candidate {
  message: Buffer;
  issue: string;
}

function* candidates(r: SignedRequest): Generator<Candidate> {
  const withUrl = (url: string) => requestSignedMessage({ ...r, url });
  const urlIssue = (signed: string) =>
    `signed message was built from URL ${signed} but the request URL is ${r.url} (sign the path and query exactly as sent)`;
  const query = r.url.indexOf('?');
  if (query >= 0) yield { message: withUrl(r.url.slice(0, query)), issue: urlIssue(r.url.slice(0, query)) };
  const decoded = safeDecode(r.url);
  if (decoded !== r.url) yield { message: withUrl(decoded), issue: urlIssue(decoded) };
  yield { message: withUrl(r.origin + r.url), issue: urlIssue(r.origin + r.url) };
  if (r.body.length > 0) {
    yield {
      message: requestSignedMessage({ ...r, body: Buffer.alloc(0) }),
      issue: `signed message was built with an empty body, but the request has a ${r.body.length}-byte body (sign the exact bytes sent)`,
    };
    const reserialized = reserialize(r.body);
    if (reserialized && !reserialized.equals(r.body)) {
      yield {
        message: requestSignedMessage({ ...r, body: reserialized }),
        issue:
          'signed message was built from a different serialization of the JSON body than the bytes sent: serialize once and sign and send the same string',
      };
    }
  }
  if (r.method !== r.method.toLowerCase()) {
    yield {
      message: requestSignedMessage({ ...r, method: r.method.toLowerCase() }),
      issue: `signed message starts with method ${r.method.toLowerCase()}; WeChat uses the upper-case HTTP method ${r.method}`,
    };
  }
  const full = requestSignedMessage(r);
  yield {
    message: full.subarray(0, full.length - 1),
    issue: 'signed message lacks the final \\n after the body (every line, the body line too, ends in \\n)',
  };
}

function safeDecode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

function reserialize(body: Buffer): Buffer | undefined {
  try {
    return Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))), 'utf8');
  } catch {
    return undefined;
  }
}
