import { parseV2Xml, WechatPayFormatError } from '@wechatpay-kit/sdk';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** How a v2 body was written; printed so a surprising result can be traced to a misread input. */
export type V2BodyFormat = 'XML' | 'JSON' | 'query string';

/** The fields of a v2 body, all strings as they would travel in XML, and how the body was written. */
export interface ParsedV2Body {
  format: V2BodyFormat;
  fields: Record<string, string>;
}

/**
 * Reads a v2 message in whichever form a developer has at hand: the XML WeChat exchanges, a JSON
 * object from a log line, or a query string such as a mode-1 `weixin://wxpay/bizpayurl?…` link. All
 * three reduce to the same flat field map, so they give the same sign.
 */
export function parseV2Body(input: Buffer): ParsedV2Body {
  const text = decodeUtf8(input)
    .replace(/^\uFEFF/, '')
    .trim();
  if (text === '')
    throw new WechatPayFormatError('empty body: expected XML, a JSON object or a query string');
  if (text.startsWith('<')) return { format: 'XML', fields: parseV2Xml(text) };
  if (text.startsWith('{')) return { format: 'JSON', fields: parseJsonFields(text) };
  if (text.includes('=')) return { format: 'query string', fields: parseQueryFields(text) };
  throw new WechatPayFormatError(
    'body is neither XML (<xml>…), a JSON object ({…}) nor a query string (a=1&b=2)',
  );
}

function decodeUtf8(input: Buffer): string {
  try {
    return utf8.decode(input);
  } catch {
    throw new WechatPayFormatError('body is not valid UTF-8 (WeChat signs UTF-8 text)');
  }
}

function parseJsonFields(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WechatPayFormatError('body starts with "{" but is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WechatPayFormatError('JSON body must be an object of fields');
  }
  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(value)) {
    if (field === null) continue;
    if (typeof field === 'object') {
      throw new WechatPayFormatError(
        `field "${name}" is an object; v2 fields are flat — give nested data (e.g. detail) as a JSON string`,
      );
    }
    fields[name] = String(field);
  }
  return fields;
}

function parseQueryFields(text: string): Record<string, string> {
  const query = queryPart(text);
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    if (Object.hasOwn(fields, name)) {
      throw new WechatPayFormatError(`field "${name}" appears twice in the query string`);
    }
    fields[name] = value;
  }
  return fields;
}

/** The query of a whole URL (`weixin://wxpay/bizpayurl?…`), or the text itself when it is one. */
function queryPart(text: string): string {
  const question = text.indexOf('?');
  if (question !== -1 && question < text.indexOf('=')) return text.slice(question + 1);
  return text;
}
