import type { Command } from '../command.js';
import { decryptCommand } from './decrypt-command.js';
import { jssdkSignCommand } from './jssdk-sign-command.js';
import { signCommand } from './sign-command.js';
import { simCommand } from './sim-command.js';
import { startCommand } from './start-command.js';
import { triggerCommand } from './trigger-command.js';
import { verifyCommand } from './verify-command.js';

/** Every `wxpay` command, in the order `wxpay help` lists them. */
export const commands: readonly Command[] = [
  startCommand,
  simCommand,
  triggerCommand,
  signCommand,
  verifyCommand,
  jssdkSignCommand,
  decryptCommand,
];

/** The command a word names; `undefined` lets the runner answer "unknown command". */
export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}
