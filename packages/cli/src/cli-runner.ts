import { readFileSync } from 'node:fs';
import { WechatPayError } from '@wechatpay-kit/sdk';
import { CliError, type CliIo, type Command, ExitCode, UsageError, writeLine } from './command.js';
import { commands, findCommand } from './commands/command-registry.js';

/**
 * Runs `wxpay` with its arguments (without `node` and the script) and resolves to the exit status.
 * Every failure becomes exactly one line on standard error — scripts show it as is — and keeps
 * the promise of §6: a result, when there is one, is the last line of standard output.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (first === undefined) throw new UsageError('missing command');
    if (first === 'help' || first === '--help' || first === '-h') return printHelp(rest[0], io);
    if (first === '--version' || first === '-v') {
      writeLine(io.stdout, cliVersion());
      return ExitCode.ok;
    }
    command = findCommand(first);
    if (command === undefined) {
      throw new UsageError(first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}"`);
    }
    if (asksForHelp(rest)) {
      writeLine(io.stdout, command.help);
      return ExitCode.ok;
    }
    return await command.run(rest, io);
  } catch (error) {
    return report(error, command, io);
  }
}

function printHelp(topic: string | undefined, io: CliIo): number {
  if (topic === undefined) {
    writeLine(io.stdout, overview());
    return ExitCode.ok;
  }
  const command = findCommand(topic);
  if (command === undefined) throw new UsageError(`no help for unknown command "${topic}"`);
  writeLine(io.stdout, command.help);
  return ExitCode.ok;
}

/** `--help` anywhere before a `--` asks for the command's help instead of running it. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function report(error: unknown, command: Command | undefined, io: CliIo): number {
  if (error instanceof UsageError) {
    const see = command ? `wxpay help ${command.name}` : 'wxpay --help';
    writeLine(io.stderr, `wxpay: ${oneLine(error.message)}; see "${see}"`);
    return error.exitCode;
  }
  if (error instanceof CliError || error instanceof WechatPayError) {
    writeLine(io.stderr, `wxpay: ${oneLine(error.message)}`);
    return error instanceof CliError ? error.exitCode : ExitCode.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  writeLine(io.stderr, `wxpay: unexpected error: ${oneLine(message)}`);
  return ExitCode.failure;
}

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function overview(): string {
  const lines = commands.flatMap((c) => [
    ...c.synopsis.map((line) => `  wxpay ${line}`),
    `      ${c.summary}`,
  ]);
  return `wxpay ${cliVersion()} — WeChat Pay developer tools (wechatpay-kit)

Usage: wxpay <command> [options]

Commands:
${lines.join('\n')}

Keys: --key may be left out when WXPAY_KEY (the API v2 key: sign, verify) or WXPAY_APIV3_KEY (decrypt)
is set, which keeps keys out of shell history and process listings. Keys are never printed.

The result is the last line of standard output. Exit status: 0 success; 1 failure (invalid sign,
failed decryption, unreadable input), with one line on standard error; 2 usage error.

Run "wxpay help <command>" for a command's options.`;
}

/** The version of this package, from its package.json (one directory above src/ and dist/). */
function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
