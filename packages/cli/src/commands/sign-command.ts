import type { V2SignType } from '@wechatpay-kit/sdk';
import { v2Sign, v2SignString, v2SignTypeOf } from '@wechatpay-kit/sdk/crypto';
import { type Command, ExitCode, writeLine } from '../command.js';
import { readV2SignInput } from './v2-arguments.js';

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
    const { key, signType: forced, body } = await readV2SignInput(args, io, 'sign');
    const { format, fields } = body;
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
