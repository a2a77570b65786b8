import type { V2SignType } from '@wechatpay-kit/sdk';
import { v2Sign, v2SignString, v2SignTypeOf } from '@wechatpay-kit/sdk/crypto';
import { expectPositionals, parseCommandArgs, requireSecret } from '../arg-parser.js';
import { type Command, ExitCode, writeLine } from '../command.js';
import { readInput } from '../input-reader.js';
import { parseV2Body } from '../v2-body-parser.js';
import { parseSignType, requireV2 } from './v2-arguments.js';

/**
 * `wxpay sign v2`: the sign WeChat expects for a body, plus the exact string that was hashed, so a
 * developer can diff it against what their own code signs.
 */
export const signCommand: Command = {
  name: 'sign',
  synopsis: ['sign v2 --key KEY [--type MD5|HMAC-SHA256] [FILE|-]'],
  summary: 'the v2 sign of an XML, JSON or query-string body',
  help: `Usage: wxpay sign v2 --key KEY [--type MD5|HMAC-SHA256] [FILE|-]

Prints the API v2 sign of a message. The body is read from FILE, or from standard input when FILE
is "-" or absent, and may be XML (<xml>…</xml>), a JSON object or a query string (a=1&b=2, or a
whole weixin://…?a=1 link). Any sign field in it is ignored.

Options:
  --key KEY     the API v2 key (default: $WXPAY_KEY)
  --type TYPE   MD5 or HMAC-SHA256; default: the body's sign_type, else MD5

Output: the sign type, the signed string with the key masked, then the sign alone on the last line.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      key: { type: 'string' },
      type: { type: 'string' },
    });
    requireV2(positionals, 'sign');
    expectPositionals(positionals, 2, 'one FILE');
    const key = requireSecret(values.key, '--key', 'WXPAY_KEY', io.env);
    const forced = values.type === undefined ? undefined : parseSignType(values.type);

    const { format, fields } = parseV2Body(await readInput(positionals[1], io));
    const signType: V2SignType = forced ?? v2SignTypeOf(fields);
    const declared = fields.sign_type;
    writeLine(
      io.stdout,
      `sign type: ${signType} (${signTypeSource(forced, declared)}; body read as ${format})`,
    );
    if (forced && declared && declared !== forced) {
      writeLine(
        io.stdout,
        `note: the body declares sign_type=${declared}; its receiver will verify with that`,
      );
    }
    writeLine(io.stdout, `signed string: ${v2SignString(fields, '***')}`);
    writeLine(io.stdout, v2Sign(fields, key, signType));
    return ExitCode.ok;
  },
};

function signTypeSource(forced: V2SignType | undefined, declared: string | undefined): string {
  if (forced) return '--type';
  return declared ? 'sign_type in the body' : 'default';
}
