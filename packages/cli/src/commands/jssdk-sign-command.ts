import { jssdkSignature } from '@wechatpay-kit/sdk';
import { stripFragment } from '@wechatpay-kit/sdk/crypto';
import { expectPositionals, parseCommandArgs, requireOption } from '../arg-parser.js';
import { type Command, ExitCode, UsageError, writeLine } from '../command.js';

/**
 * `wxpay jssdk-sign`: the `wx.config` signature for a page, to settle "invalid signature" in the
 * browser by comparing against what the server computed.
 */
export const jssdkSignCommand: Command = {
  name: 'jssdk-sign',
  synopsis: ['jssdk-sign --ticket T --noncestr N --timestamp TS --url U'],
  summary: 'the JS-SDK wx.config signature of a page URL',
  help: `Usage: wxpay jssdk-sign --ticket T --noncestr N --timestamp TS --url U

Prints the JS-SDK wx.config signature: SHA-1 of jsapi_ticket=T&noncestr=N&timestamp=TS&url=U,
lower-case hex. The URL must be the page's full URL; a #fragment is dropped, as WeChat does.

Options:
  --ticket T      the jsapi_ticket
  --noncestr N    the nonceStr given to wx.config
  --timestamp TS  the timestamp given to wx.config (seconds)
  --url U         the page URL

Output: the signed string with the ticket masked, then the signature alone on the last line.`,

  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ticket: { type: 'string' },
      noncestr: { type: 'string' },
      timestamp: { type: 'string' },
      url: { type: 'string' },
    });
    expectPositionals(positionals, 0, 'options');
    const ticket = requireOption(values.ticket, '--ticket');
    const noncestr = requireOption(values.noncestr, '--noncestr');
    const timestamp = requireOption(values.timestamp, '--timestamp');
    const url = requireOption(values.url, '--url');
    if (!/^\d+$/.test(timestamp))
      throw new UsageError('--timestamp must be whole seconds since 1970 (digits only)');

    const signedUrl = stripFragment(url);
    if (signedUrl !== url) writeLine(io.stdout, 'note: the #fragment of --url is not signed');
    writeLine(
      io.stdout,
      `signed string: jsapi_ticket=***&noncestr=${noncestr}&timestamp=${timestamp}&url=${signedUrl}`,
    );
    writeLine(io.stdout, jssdkSignature(ticket, noncestr, timestamp, url));
    return ExitCode.ok;
  },
};
