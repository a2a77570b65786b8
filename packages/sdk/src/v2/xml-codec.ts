import { XMLParser } from 'fast-xml-parser';
import { rawBodyBytes } from '../core/raw-body-bytes.js';
import { WechatPayFormatError } from '../errors.js';
import type { V2Fields } from './v2-signer.js';

/** Large enough for any v2 answer or callback (a refund query with 50 refunds is ~20 KiB). */
export const DEFAULT_MAX_XML_BYTES = 64 * 1024;

export interface V2XmlOptions {
  /** Bodies larger than this many bytes are refused before parsing. */
  maxBytes?: number;
  /** Expected root element: `xml` for messages, `root` inside a decrypted refund `req_info`. */
  root?: string;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes exactly what XML 1.0 defines without a DTD: the five predefined entities and character
 * references. Anything else is an undeclared entity, which a conforming parser must refuse.
 */
const entityDecoder = {
  decode(text: string): string {
    return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z][\w.-]*);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) throw new Error('bare "&" in text (must be &amp;)');
      if (ref[0] !== '#') {
        const named = XML_ENTITIES[ref];
        if (named === undefined) throw new Error(`undeclared entity ${whole}`);
        return named;
      }
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) throw new Error(`character reference ${whole} is not a valid XML character`);
      return String.fromCodePoint(code);
    });
  },
  setExternalEntities(): void {},
  addInputEntities(): void {
    throw new Error('DTD entities are not accepted');
  },
  reset(): void {},
  setXmlVersion(): void {},
};

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  entityDecoder,
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses WeChat's flat `<xml><field>value</field>…</xml>` into strings. Nothing is coerced:
 * `total_fee` `0010` stays `"0010"` so signatures verify over exactly what was sent.
 *
 * Hostile input is refused before the parser sees it: DOCTYPE/ENTITY declarations (XXE, billion
 * laughs), oversized bodies and invalid UTF-8. Nested, repeated or mixed-content fields are refused
 * too: a v2 message is flat, and a second `<sign>` or `<total_fee>` is how signature-wrapping starts.
 */
export function parseV2Xml(body: string | Buffer, options: V2XmlOptions = {}): Record<string, string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const root = options.root ?? 'xml';
  if (typeof body !== 'string') body = rawBodyBytes(body);
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (size > maxBytes) {
    throw new WechatPayFormatError(`XML body of ${size} bytes exceeds the ${maxBytes}-byte limit`);
  }
  const text = decodeText(body);
  if (text.trim() === '') throw new WechatPayFormatError('XML body is empty');
  if (/<!(DOCTYPE|ENTITY)/i.test(text.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''))) {
    throw new WechatPayFormatError(
      'XML with DOCTYPE or ENTITY declarations is refused (XXE / entity expansion)',
    );
  }

  let document: Record<string, unknown>;
  try {
    document = parser.parse(text, true) as Record<string, unknown>;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new WechatPayFormatError(`malformed XML: ${reason}`, { cause });
  }

  const roots = Object.keys(document);
  if (roots.length !== 1 || roots[0] !== root) {
    throw new WechatPayFormatError(
      `XML root element must be <${root}>, got <${roots.join('>, <') || 'none'}>`,
    );
  }
  return flatten(document[root], root);
}

function flatten(node: unknown, root: string): Record<string, string> {
  if (node === '' || node === undefined) return {};
  if (typeof node !== 'object' || node === null) {
    throw new WechatPayFormatError(`<${root}> holds text instead of fields`);
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(node)) {
    if (name === '#text') {
      if (typeof value === 'string' && value.trim() === '') continue;
      throw new WechatPayFormatError(`<${root}> mixes text with fields`);
    }
    if (Array.isArray(value)) throw new WechatPayFormatError(`field <${name}> appears more than once`);
    if (typeof value !== 'string') {
      throw new WechatPayFormatError(`field <${name}> has nested elements; v2 messages are flat`);
    }
    fields[name] = value;
  }
  return fields;
}

function decodeText(body: string | Buffer): string {
  if (typeof body === 'string') return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  try {
    return utf8.decode(body);
  } catch (cause) {
    throw new WechatPayFormatError('XML body is not valid UTF-8', { cause });
  }
}

/**
 * Serialises fields the way WeChat expects: `<xml>`, one element per field, every value in CDATA
 * so `&`, `<` and JSON (`scene_info`, `detail`) travel verbatim. A `]]>` inside a value is split
 * across two CDATA sections. `undefined`/`null` fields are left out, as the signer leaves them out.
 */
export function buildV2Xml(fields: V2Fields, options: Pick<V2XmlOptions, 'root'> = {}): string {
  const root = options.root ?? 'xml';
  let out = `<${root}>`;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) {
      throw new WechatPayFormatError(`"${name}" is not a valid field name`);
    }
    out += `<${name}>${cdata(name, value)}</${name}>`;
  }
  return `${out}</${root}>`;
}

function cdata(name: string, value: string | number): string {
  return `<![CDATA[${text(name, value).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function text(name: string, value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new WechatPayFormatError(`field ${name} must be an integer (amounts are fen), got ${value}`);
    }
    return String(value);
  }
  if (typeof value !== 'string') {
    throw new WechatPayFormatError(`field ${name} must be a string or an integer, got ${typeof value}`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML 1.0 forbids
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(value)) {
    throw new WechatPayFormatError(`field ${name} contains a control character XML cannot carry`);
  }
  return value;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
