import { WechatPaySignatureError } from '@wechatpay-kit/sdk';
import { v2Verify } from '@wechatpay-kit/sdk/crypto';
import { type Command, ExitCode, writeLine } from '../command.js';
import { readV2SignInput } from './v2-arguments.js';

/**
 * `wxpay verify v2`: checks the sign of a captured message (a notification, an API answer). When
 * it does not match, says what was expected, what came, and which string was signed — the three
 * facts that tell a wrong key from a missing field.
 */
export const verifyCommand: Command = {
  name: 'verify',
  synopsis: ['verify v2 --key KEY [--type MD5|HMAC-SHA256] [FILE|-]'],
  summary: 'checks the sign of a v2 XML, JSON or query-string body',
  help: `Usage: wxpay verify v2 --key KEY [--type MD5|HMAC-SHA256] [FILE|-]

Checks the sign field of an API v2 message read from FILE, or from standard input when FILE is "-"
or absent (XML, JSON object or query string). The sign type is the body's sign_type; --type only
sets it for bodies without one (default MD5).

Options:
  --key KEY     the API v2 key (default: $WXPAY_KEY)
  --type TYPE   sign type for bodies without sign_type

Output: "valid (MD5)" or "valid (HMAC-SHA256)". Otherwise exit status 1 and one line on standard
error: invalid: expected X, got Y; signed string "…&key=***" (the key is never printed).`,

  async run(args, io) {
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
