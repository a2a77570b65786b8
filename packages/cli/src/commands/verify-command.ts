import { WechatPaySignatureError } from '@wechatpay-kit/sdk';
import { v2Verify } from '@wechatpay-kit/sdk/crypto';
import { expectPositionals, parseCommandArgs, requireSecret } from '../arg-parser.js';
import { type Command, ExitCode, writeLine } from '../command.js';
import { readInput } from '../input-reader.js';
import { parseV2Body } from '../v2-body-parser.js';
import { parseSignType, requireV2 } from './v2-arguments.js';

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
    const { values, positionals } = parseCommandArgs(args, {
      key: { type: 'string' },
      type: { type: 'string' },
    });
    requireV2(positionals, 'verify');
    expectPositionals(positionals, 2, 'one FILE');
    const key = requireSecret(values.key, '--key', 'WXPAY_KEY', io.env);
    const fallback = values.type === undefined ? 'MD5' : parseSignType(values.type);

    const { fields } = parseV2Body(await readInput(positionals[1], io));
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
