import { V3Error } from './v3-error.js';

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Said when `pattern` fails, e.g. "6–32 characters of [0-9A-Za-z_-|*]". */
  patternHint?: string;
}

/**
 * A JSON request body with typed, path-named field readers. Every refusal is a 400 PARAM_ERROR
 * naming the full field path (`amount.total`), what was sent and what is expected.
 */
export class V3JsonBody {
  readonly #data: Record<string, unknown>;
  readonly #prefix: string;

  private constructor(data: Record<string, unknown>, prefix: string) {
    this.#data = data;
    this.#prefix = prefix;
  }

  /** Parses the raw bytes; an empty, malformed or non-object body is refused. */
  static parse(raw: Buffer | undefined): V3JsonBody {
    if (!raw || raw.length === 0) {
      throw V3Error.param('body', 'request body is empty: send the JSON object the API expects');
    }
    let data: unknown;
    try {
      data = JSON.parse(raw.toString('utf8'));
    } catch (cause) {
      throw new V3Error(400, 'PARAM_ERROR', '请求体不是合法的JSON', {
        field: 'body',
        location: 'body',
        issue: `body is not valid JSON: ${(cause as Error).message}`,
      });
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw V3Error.param('body', 'body must be a JSON object');
    }
    return new V3JsonBody(data as Record<string, unknown>, '');
  }

  has(name: string): boolean {
    return this.#data[name] !== undefined && this.#data[name] !== null;
  }

  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const field = this.#prefix + name;
    const value = this.#data[name];
    if (value === undefined || value === null) {
      if (rule.required) throw V3Error.param(field, `${field} is required`);
      return undefined;
    }
    if (typeof value !== 'string') {
      throw V3Error.param(field, `${field} must be a string, got ${describe(value)}`, 'body', value);
    }
    const length = [...value].length;
    if (rule.required && length === 0) throw V3Error.param(field, `${field} must not be empty`);
    if (rule.max !== undefined && length > rule.max) {
      throw V3Error.param(
        field,
        `${field} is ${length} characters, at most ${rule.max} allowed`,
        'body',
        value,
      );
    }
    if (rule.min !== undefined && length < rule.min) {
      throw V3Error.param(
        field,
        `${field} is ${length} characters, at least ${rule.min} required`,
        'body',
        value,
      );
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      throw V3Error.param(
        field,
        `${field} must be ${rule.patternHint ?? `of the form ${rule.pattern}`}`,
        'body',
        value,
      );
    }
    return value;
  }

  /** A positive (or, with `min: 0`, non-negative) integer: money is integer fen. */
  integer(name: string, rule: { required: true; min?: number }): number;
  integer(name: string, rule?: { required?: boolean; min?: number }): number | undefined;
  integer(name: string, rule: { required?: boolean; min?: number } = {}): number | undefined {
    const field = this.#prefix + name;
    const value = this.#data[name];
    if (value === undefined || value === null) {
      if (rule.required) throw V3Error.param(field, `${field} is required`);
      return undefined;
    }
    const min = rule.min ?? 1;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      const hint =
        typeof value === 'number' && !Number.isInteger(value) ? ' (amounts are integer fen, not yuan)' : '';
      throw V3Error.param(
        field,
        `${field} must be an integer ≥ ${min}, got ${describe(value)}${hint}`,
        'body',
        value,
      );
    }
    return value;
  }

  object(name: string, rule: { required: true }): V3JsonBody;
  object(name: string, rule?: { required?: boolean }): V3JsonBody | undefined;
  object(name: string, rule: { required?: boolean } = {}): V3JsonBody | undefined {
    const field = this.#prefix + name;
    const value = this.#data[name];
    if (value === undefined || value === null) {
      if (rule.required) throw V3Error.param(field, `${field} is required`);
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw V3Error.param(field, `${field} must be a JSON object, got ${describe(value)}`, 'body', value);
    }
    return new V3JsonBody(value as Record<string, unknown>, `${field}.`);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
