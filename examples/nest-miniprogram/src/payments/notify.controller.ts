import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Logger, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import { type NotificationEndpoint, V3Client, v3NotificationEndpoint } from '@wechatpay-kit/sdk';
import { OrdersService } from './orders.service.js';

/**
 * WeChat Pay's v3 `notify_url`. Nest's JSON parser reads every request before any controller, so
 * the app is created with `rawBody: true` (main.ts): the parser keeps the exact bytes WeChat
 * signed in `req.rawBody`, and they are handed to the SDK's framework-neutral endpoint, which
 * verifies, decrypts, runs the handler within WeChat's time budget and words the answer (204, or
 * 4xx/5xx `{code: "FAIL", message}` so WeChat resends). `@Res()` writes that answer as it is,
 * past Nest's exception filters.
 */
@Controller('api/notify')
export class NotifyController {
  readonly #logger = new Logger('Notify');
  readonly #v3: NotificationEndpoint;

  constructor(wxpay: V3Client, orders: OrdersService) {
    this.#v3 = v3NotificationEndpoint(
      wxpay,
      { 'TRANSACTION.SUCCESS': (event) => orders.markPaid(event.resource) },
      {
        onError: (error, { stage }) => this.#logger.warn(`refused at ${stage}: ${(error as Error).message}`),
      },
    );
  }

  @Post('v3')
  async v3(@Req() req: RawBodyRequest<IncomingMessage>, @Res() res: ServerResponse): Promise<void> {
    const reply = await this.#v3.handle({
      headers: req.headers,
      // A body Nest did not parse (not JSON) has no rawBody: the stream is then unread and read here.
      ...(req.rawBody ? { rawBody: req.rawBody } : { stream: req }),
      framework: 'nest',
    });
    res.writeHead(reply.status, reply.headers).end(reply.body);
  }
}
