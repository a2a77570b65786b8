import type { FastifyRequest } from 'fastify';
import { badRequest } from './control-error.js';

export type JsonObject = Record<string, unknown>;

interface Range {
  min?: number;
  max?: number;
}

/**
 * Reads and checks the fields of a control request (JSON body or query string). Every refusal
 * names the field and says what was expected, because the reader is usually a developer poking
 * at the simulator with curl.
 */
export class ControlInput {
  readonly #values: JsonObject;
  readonly #where: string;
  /** Query strings carry every value as text, so numbers and booleans are parsed from it. */
  readonly #textual: boolean;

  constructor(values: JsonObject, where: string, textual = false) {
    this.#values = values;
    this.#where = where;
    this.#textual = textual;
  }

  /** The JSON object in the body (bodies reach routes as raw bytes); an empty body reads as `{}`. */
  static body(request: FastifyRequest): ControlInput {
    const raw = request.body;
    const text = Buffer.isBuffer(raw) ? raw.toString('utf8').trim() : '';
    if (text === '') return new ControlInput({}, 'body field');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest('the body is not valid JSON');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw badRequest('the body must be a JSON object');
    }
    return new ControlInput(value as JsonObject, 'body field');
  }

  static query(request: FastifyRequest): ControlInput {
    return new ControlInput((request.query ?? {}) as JsonObject, 'query parameter', true);
  }

  has(name: string): boolean {
    return this.#values[name] !== undefined && this.#values[name] !== null;
  }

  /** The fields present, to refuse unknown ones where a typo would silently do nothing. */
  names(): string[] {
    return Object.keys(this.#values);
  }

  string(name: string, check?: { pattern: RegExp; hint: string }): string | undefined {
    const value = this.#values[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw this.#wrong(name, 'a string');
    if (check && !check.pattern.test(value)) throw this.#wrong(name, check.hint);
    return value;
  }

  requiredString(name: string, check?: { pattern: RegExp; hint: string }): string {
    const value = this.string(name, check);
    if (value === undefined) throw badRequest(`missing ${this.#where} "${name}"`);
    return value;
  }

  /** A number that must be finite and within range; query strings give numbers as text. */
  number(name: string, range: Range = {}, integer = false): number | undefined {
    const raw = this.#values[name];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const value = this.#textual && typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    const kind = integer ? 'an integer' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
      throw this.#wrong(name, kind);
    }
    if (range.min !== undefined && value < range.min) throw this.#wrong(name, `${kind} ≥ ${range.min}`);
    if (range.max !== undefined && value > range.max) throw this.#wrong(name, `${kind} ≤ ${range.max}`);
    return value;
  }

  integer(name: string, range: Range = {}): number | undefined {
    return this.number(name, range, true);
  }

  boolean(name: string): boolean | undefined {
    const value = this.#values[name];
    if (value === undefined || value === null) return undefined;
    if (value === true || (this.#textual && value === 'true')) return true;
    if (value === false || (this.#textual && value === 'false')) return false;
    throw this.#wrong(name, 'true or false');
  }

  choice<const T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value))
      throw this.#wrong(name, `one of ${choices.join(', ')}`);
    return value as T;
  }

  /** A nested object, read with the same rules; its fields are named `parent.child` in errors. */
  object(name: string): ControlInput | undefined {
    const value = this.#values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw this.#wrong(name, 'an object');
    return new ControlInput(value as JsonObject, `${this.#where} "${name}" field`);
  }

  /** An array of strings, each checked like {@link string}. */
  strings(name: string, check?: { pattern: RegExp; hint: string }): string[] | undefined {
    const value = this.#values[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.#wrong(name, 'an array of strings');
    return value.map((item, i) => {
      if (typeof item !== 'string') throw this.#wrong(`${name}[${i}]`, 'a string');
      if (check && !check.pattern.test(item)) throw this.#wrong(`${name}[${i}]`, check.hint);
      return item;
    });
  }

  /** An array of objects, each read with the same rules. */
  objects(name: string): ControlInput[] | undefined {
    const value = this.#values[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.#wrong(name, 'an array');
    return value.map((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw this.#wrong(`${name}[${i}]`, 'an object');
      }
      return new ControlInput(item as JsonObject, `${this.#where} "${name}[${i}]" field`);
    });
  }

  #wrong(name: string, expected: string) {
    return badRequest(`${this.#where} "${name}" must be ${expected}`);
  }
}
