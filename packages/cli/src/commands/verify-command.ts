import { WechatPaySignatureError } from '@wechatpay-kit/sdk';
import { v2Verify } from '@wechatpay-kit/sdk/crypto';
import { type Command, ExitCode, writeLine } from '../command.js';
import { readV2SignInput } from './v2-arguments.js';
import { runVerifyV3 } from './verify-v3.js';

/**
 * `wxpay verify v2`: checks the sign of a captured message (a notification, an API answer). When
 * it does not match, says what was expected, what came, and which string was signed — the three
 * facts that tell a wrong key from a missing field.
 */
export const verifyCommand: Command = {
  name: 'verify',
  synopsis: [
    'verify v2 --key KEY [--type MD5|HMAC-SHA256] [FILE|-]',
    'verify v3 --headers FILE --body FILE (--public-key PEM [--public-key-id ID] | --cert PEM)',
  ],
  summary: 'checks the sign of a v2 body, or the signature of a v3 notification or answer',
  help: `Usage: wxpay verify v2 --key KEY [--type MD5|HMAC-SHA256] [FILE|-]
       wxpay verify v3 --headers FILE --body FILE (--public-key PEM [--public-key-id ID] | --cert PEM)

Checks the sign field of an API v2 message read from FILE, or from standard input when FILE is "-"
or absent (XML, JSON object or query string). The sign type is the body's sign_type; --type only
sets it for bodies without one (default MD5).

Options:
  --key KEY     the API v2 key (default: $WXPAY_KEY)
  --type TYPE   sign type for bodies without sign_type

Output: "valid (MD5)" or "valid (HMAC-SHA256)". Otherwise exit status 1 and one line on standard
error: invalid: expected X, got Y; signed string "…&key=***" (the key is never printed).

verify v3 checks a captured v3 notification or API answer: the Wechatpay-Timestamp, -Nonce,
-Signature and -Serial headers (FILE of "Name: value" lines, e.g. curl -D, or a JSON object) over
the exact bytes of the body FILE, with the WeChat Pay public key (--public-key, and --public-key-id
PUB_KEY_ID_… to check the serial) or a platform certificate (--cert). Output: "valid (Wechatpay-Serial
…)", with a note when the timestamp is outside the 300 s a live handler accepts. Otherwise exit status
1 and why: a missing header, WeChat's probe signature, a serial naming another key, a newline added
to the body file, a re-serialized JSON body, or another key.`,

  async run(args, io) {
    if (args[0] === 'v3') return runVerifyV3(args.slice(1), io);
    const { key, signType, body } = await readV2SignInput(args, io, 'verify');
    const fallback = signType ?? 'MD5';
    const { fields } = body;
    try {
      writeLine(io.stdout, `valid (${v2Verify(fields, key, fallback)})`);
      return ExitCode.ok;
    } catch (error) {
      if (!(error instanceof WechatPaySignatureError)) throw error;
      writeLine(io.stderr, `invalid: ${describeMismatch(error)}`);
      return ExitCode.failure;
    }
  },
};

function describeMismatch(error: WechatPaySignatureError): string {
  if (error.reason !== 'sign-mismatch') return error.message;
  const { expected, got, signType, signedString } = error.detail;
  return `expected ${expected} (${signType}), got ${got}; signed string "${signedString}"`;
}
