import { readFile, stat } from 'node:fs/promises';
import { CliError, type CliIo, UsageError } from './command.js';

/** Larger than any WeChat message; keeps a mistaken `wxpay sign v2 /dev/zero` from eating memory. */
const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/**
 * Reads a command's input from FILE, or from standard input for `-` or no argument. A terminal on
 * standard input with no file is refused rather than waited on: it is almost always a forgotten
 * argument, not someone about to type an XML body.
 */
export async function readInput(source: string | undefined, io: CliIo): Promise<Buffer> {
  if (source !== undefined && source !== '-') return readNamedFile(source);
  if (io.stdin.isTTY) throw new UsageError('no input: give a FILE, or pipe the body into standard input');
  return readStream(io.stdin);
}

async function readNamedFile(path: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new CliError(`cannot read ${path}: is a directory`);
    if (info.size > MAX_INPUT_BYTES)
      throw new CliError(`cannot read ${path}: larger than ${MAX_INPUT_BYTES} bytes`);
    return await readFile(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`);
  }
}

async function readStream(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > MAX_INPUT_BYTES) throw new CliError(`standard input: larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
