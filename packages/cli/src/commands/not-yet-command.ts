import { CliError, type Command, ExitCode } from '../command.js';

/**
 * A placeholder for a command whose interface is fixed (scripts already call it) but
 * whose implementation has not landed. It shows in help and answers with status 2 and a clear
 * line, instead of "unknown command". Replace the registry entry with the real command's file.
 */
export function notYetCommand(spec: Omit<Command, 'run' | 'help'> & { arrivesWith: string }): Command {
  const reason = `${spec.name} is not available yet: it arrives with ${spec.arrivesWith}`;
  return {
    name: spec.name,
    synopsis: spec.synopsis,
    summary: `${spec.summary} (not available yet)`,
    help: `Usage:\n${spec.synopsis.map((line) => `  wxpay ${line}`).join('\n')}\n\n${reason}.`,
    async run() {
      throw new CliError(reason, ExitCode.usage);
    },
  };
}
