import type { Readable, Writable } from 'node:stream';

/**
 * What a command may touch. Passing it in (rather than reaching for `process`) keeps every
 * command honest about its inputs: the environment is read in one place, and output goes
 * through the same two streams the runner flushes.
 */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * One `wxpay` sub-command. Adding a command is one file exporting one of these plus one line in
 * the registry; the runner owns help, version, exit codes and error printing.
 */
export interface Command {
  /** The word after `wxpay`. */
  readonly name: string;
  /** The synopsis shown in `wxpay help`, one line per form. */
  readonly synopsis: readonly string[];
  /** What the command is for, one line. */
  readonly summary: string;
  /** The full text of `wxpay help <name>`. */
  readonly help: string;
  /** Runs with the arguments after the command word; resolves to the exit status. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit statuses scripts can rely on. */
export const ExitCode = {
  ok: 0,
  /** The command ran and the answer is no: invalid sign, failed decryption, unreadable input. */
  failure: 1,
  /** The command line itself is wrong, or the command is not available. */
  usage: 2,
} as const;

/**
 * A failure the runner reports as one line with a chosen exit status. SDK errors are reported
 * as they are; this covers what only the command line knows about (files, arguments).
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = ExitCode.failure) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/**
 * A wrong command line: status 2 and a pointer to the command's help, the convention shells and
 * scripts expect.
 */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** Writes one line to a stream; the runner relies on every result ending with a newline. */
export function writeLine(stream: Writable, line: string): void {
  stream.write(`${line}\n`);
}

/** Resolves with the first SIGINT or SIGTERM, then stops listening: a foreground command's "run until stopped". */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const stop = (received: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done(received);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
