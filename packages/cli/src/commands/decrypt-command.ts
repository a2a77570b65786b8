import { aesGcmDecrypt } from '@wechatpay-kit/sdk/crypto';
import { expectPositionals, parseCommandArgs, requireOption, requireSecret } from '../arg-parser.js';
import { type CliIo, type Command, ExitCode, UsageError, writeLine } from '../command.js';
import { readInput } from '../input-reader.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `wxpay decrypt`: opens the `resource` of a v3 notification or a platform certificate by hand,
 * to see what WeChat actually sent when a handler refuses it.
 */
export const decryptCommand: Command = {
  name: 'decrypt',
  synopsis: ['decrypt --key APIV3KEY --nonce N --aad A CIPHERTEXT'],
  summary: 'decrypts an AEAD_AES_256_GCM resource (v3 notifications, certificates)',
  help: `Usage: wxpay decrypt --key APIV3KEY --nonce N [--aad A] CIPHERTEXT|-

Decrypts and authenticates an AEAD_AES_256_GCM resource as WeChat Pay API v3 sends it: resource.nonce,
resource.associated_data and resource.ciphertext (base64, tag appended). "-" reads the ciphertext
from standard input.

Options:
  --key KEY     the 32-byte APIv3 key (default: $WXPAY_APIV3_KEY)
  --nonce N     resource.nonce
  --aad A       resource.associated_data (omit when WeChat sent none)

Output: the plaintext. A wrong key or any altered byte fails authentication: exit status 1.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      key: { type: 'string' },
      nonce: { type: 'string' },
      aad: { type: 'string' },
    });
    expectPositionals(positionals, 1, 'one CIPHERTEXT');
    const key = requireSecret(values.key, '--key', 'WXPAY_APIV3_KEY', io.env);
    const nonce = requireOption(values.nonce, '--nonce');
    const ciphertext = await readCiphertext(positionals[0], io);

    const plaintext = aesGcmDecrypt(key, { nonce, associatedData: values.aad, ciphertext });
    writeLine(io.stdout, plaintext.toString('utf8'));
    return ExitCode.ok;
  },
};

async function readCiphertext(argument: string | undefined, io: CliIo): Promise<string> {
  if (argument === undefined) throw new UsageError('missing CIPHERTEXT (base64, or - for standard input)');
  const text = argument === '-' ? (await readInput('-', io)).toString('utf8') : argument;
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw new UsageError('CIPHERTEXT is not base64');
  return compact;
}
