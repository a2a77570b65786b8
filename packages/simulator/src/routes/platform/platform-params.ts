import type { FastifyRequest } from 'fastify';
import { PlatformRefusal } from './platform-refusal.js';

/**
 * The parameters of a platform call, read as WeChat reads them: query strings for GETs (a repeated
 * name counts once, the first value), a JSON object for the POST APIs. Empty counts as missing.
 */
export class PlatformParams {
  readonly #values: Record<string, unknown>;

  private constructor(values: Record<string, unknown>) {
    this.#values = values;
  }

  static query(request: FastifyRequest): PlatformParams {
    return new PlatformParams((request.query ?? {}) as Record<string, unknown>);
  }

  /** A JSON object body; 44002 when empty, 47001 when it is not a JSON object. */
  static json(request: FastifyRequest): PlatformParams {
    const raw = request.body;
    const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
    if (text.trim() === '') throw new PlatformRefusal(44002, 'send the parameters as a JSON body');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new PlatformRefusal(47001, 'the body is not valid JSON (this API takes POST JSON only)');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new PlatformRefusal(47001, 'the body must be a JSON object');
    }
    return new PlatformParams(parsed as Record<string, unknown>);
  }

  /** A string parameter; numbers are accepted as their text (WeChat is lenient there). */
  text(name: string): string | undefined {
    let value = this.#values[name];
    if (Array.isArray(value)) value = value[0];
    if (typeof value === 'number') return String(value);
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  raw(name: string): unknown {
    return this.#values[name];
  }
}
