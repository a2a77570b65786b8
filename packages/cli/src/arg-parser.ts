import { parseArgs } from 'node:util';
import { UsageError } from './command.js';

/** The options a command accepts: each `--name value` or `--flag`, none repeatable. */
export type OptionSpec = Record<string, { type: 'string' } | { type: 'boolean' }>;

/** Option values keyed by name (absent when not given) and the remaining words, in order. */
export interface ParsedCommandArgs<O extends OptionSpec> {
  values: { [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };
  positionals: string[];
}

/**
 * `node:util` parseArgs in strict mode, with its errors turned into one-line usage errors. Node's
 * messages name the option, never its value, so a mistyped `--ke=SECRET` does not echo the key.
 */
export function parseCommandArgs<const O extends OptionSpec>(
  args: string[],
  options: O,
): ParsedCommandArgs<O> {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as ParsedCommandArgs<O>['values'], positionals };
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  return message.split('\n')[0]!.replace(/^\w/, (c) => c.toLowerCase());
}

/** The value of a required string option, or a usage error naming it. */
export function requireOption(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${flag}`);
  return value;
}

/**
 * A secret taken from its flag or, failing that, from an environment variable — the variable lets
 * scripts keep keys out of shell history and `ps` listings. The value is never part of a message.
 */
export function requireSecret(
  value: string | undefined,
  flag: string,
  envName: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const secret = value ?? env[envName];
  if (secret === undefined || secret === '') throw new UsageError(`missing ${flag} (or set ${envName})`);
  return secret;
}

/**
 * Refuses positionals beyond what a command takes, so a stray word is not silently ignored. The
 * stray word is not quoted back: it may be a key typed in the wrong place.
 */
export function expectPositionals(positionals: string[], max: number, what: string): void {
  if (positionals.length > max) {
    throw new UsageError(`too many arguments: takes at most ${what}`);
  }
}
