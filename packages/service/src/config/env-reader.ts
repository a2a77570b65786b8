import { readFileSync } from 'node:fs';
import { parseRateLimit, type RateLimit } from './abuse-limits-config.js';
import { ServiceConfigError } from './service-config-error.js';

/** The environment the service reads its settings from. */
export type Env = Readonly<Record<string, string | undefined>>;

// Readers of one variable each: a missing or malformed value fails naming the variable, never its value.

export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ServiceConfigError(name, 'is not set');
  return value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ServiceConfigError(name, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Like {@link integer}, but `undefined` when the variable is not set. */
export function optionalInteger(env: Env, name: string, min: number, max: number): number | undefined {
  return optional(env, name) === undefined ? undefined : integer(env, name, min, min, max);
}

export function rateLimit(env: Env, name: string): RateLimit | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const limit = parseRateLimit(raw);
  if (!limit) throw new ServiceConfigError(name, 'must be COUNT/PERIOD such as 60/1m, 10/15m, 5/30s, or off');
  return limit;
}

export function pemFile(env: Env, name: string, kind: string): string {
  const path = required(env, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ServiceConfigError(name, `cannot read the file ${path}`);
  }
  if (!text.includes(`-----BEGIN ${kind}-----`) && !text.includes('-----BEGIN RSA')) {
    throw new ServiceConfigError(name, `${path} is not a PEM ${kind.toLowerCase()}`);
  }
  return text;
}
