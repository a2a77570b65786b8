import { existsSync } from 'node:fs';
import { type AeadEnvelope, aesGcmDecrypt } from '@wechatpay-kit/sdk/crypto';
import { expectPositionals, parseCommandArgs, requireSecret } from '../arg-parser.js';
import { type CliIo, type Command, ExitCode, UsageError, writeLine } from '../command.js';
import { readInput } from '../input-reader.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `wxpay decrypt`: opens the `resource` of a v3 notification or a platform certificate by hand,
 * to see what WeChat actually sent when a handler refuses it.
 */
export const decryptCommand: Command = {
  name: 'decrypt',
  synopsis: [
    'decrypt --key APIV3KEY --nonce N --aad A CIPHERTEXT',
    'decrypt --key APIV3KEY [NOTIFICATION_FILE|-]',
  ],
  summary: 'decrypts an AEAD_AES_256_GCM resource (v3 notifications, certificates)',
  help: `Usage: wxpay decrypt --key APIV3KEY --nonce N [--aad A] CIPHERTEXT|-
       wxpay decrypt --key APIV3KEY [NOTIFICATION_FILE|-]

Decrypts and authenticates an AEAD_AES_256_GCM resource as WeChat Pay API v3 sends it: resource.nonce,
resource.associated_data and resource.ciphertext (base64, tag appended). "-" reads the ciphertext
from standard input.

Options:
  --key KEY     the 32-byte APIv3 key (default: $WXPAY_APIV3_KEY)
  --nonce N     resource.nonce
  --aad A       resource.associated_data (omit when WeChat sent none)

Without --nonce, the input is a whole v3 notification body as received ({"id", "event_type",
"resource": {"ciphertext", "nonce", "associated_data", …}}) and its resource is opened with the
nonce and associated data it carries (this checks no signature: that is wxpay verify v3).

Output: the plaintext (indented when it is JSON). A wrong key or any altered byte fails
authentication: exit status 1.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      key: { type: 'string' },
      nonce: { type: 'string' },
      aad: { type: 'string' },
    });
    expectPositionals(
      positionals,
      1,
      values.nonce === undefined ? 'one NOTIFICATION_FILE' : 'one CIPHERTEXT',
    );
    const key = requireSecret(values.key, '--key', 'WXPAY_APIV3_KEY', io.env);
    if (values.nonce === undefined) {
      const source = positionals[0];
      if (source !== undefined && source !== '-' && BASE64.test(source) && !existsSync(source)) {
        throw new UsageError(
          'missing --nonce for this CIPHERTEXT (or give a whole notification body: FILE or -)',
        );
      }
      const envelope = resourceOf((await readInput(positionals[0], io)).toString('utf8'), values.aad);
      writeLine(io.stdout, readable(aesGcmDecrypt(key, envelope).toString('utf8')));
      return ExitCode.ok;
    }
    const ciphertext = await readCiphertext(positionals[0], io);
    const plaintext = aesGcmDecrypt(key, { nonce: values.nonce, associatedData: values.aad, ciphertext });
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

/** The encrypted `resource` of a whole v3 notification body. */
function resourceOf(text: string, aad: string | undefined): AeadEnvelope {
  let body: { resource?: { ciphertext?: unknown; nonce?: unknown; associated_data?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    throw new UsageError('without --nonce the input must be a whole v3 notification body (JSON)');
  }
  const { ciphertext, nonce, associated_data } = body?.resource ?? {};
  if (typeof ciphertext !== 'string' || typeof nonce !== 'string') {
    throw new UsageError('the notification has no resource.ciphertext and resource.nonce');
  }
  if (aad !== undefined) throw new UsageError('--aad goes with --nonce; a notification carries its own');
  return {
    ciphertext,
    nonce,
    associatedData: typeof associated_data === 'string' ? associated_data : undefined,
  };
}

function readable(plaintext: string): string {
  try {
    return JSON.stringify(JSON.parse(plaintext), null, 2);
  } catch {
    return plaintext;
  }
}
