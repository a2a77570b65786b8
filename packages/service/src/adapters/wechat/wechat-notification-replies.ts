import { buildV2Xml, v2NotificationAck, v3NotificationAck, v3NotificationFailure } from '@wechatpay-kit/sdk';
import type {
  ApiVersion,
  NotificationReplies,
  NotificationVerdict,
  WechatReply,
} from '../../domain/index.js';

const XML = { 'content-type': 'text/xml; charset=utf-8' };

/** WeChat's acknowledgement and refusal formats, written by the SDK. */
export class WechatNotificationReplies implements NotificationReplies {
  render(apiVersion: ApiVersion, verdict: NotificationVerdict, limited = false): WechatReply {
    if (apiVersion === 'v2') {
      // v2 reads return_code from a 200 answer; a non-200 would also be retried but hides the reason.
      const body = verdict.ack ? v2NotificationAck(true) : v2NotificationAck(false, verdict.message);
      return { status: limited ? 429 : 200, headers: XML, body };
    }
    if (verdict.ack) {
      const ack = v3NotificationAck();
      return { status: ack.status, headers: { ...ack.headers }, body: undefined };
    }
    const failure = v3NotificationFailure(verdict.message);
    // A notification that will never verify is the sender's fault (4xx); anything else is ours (5xx).
    const status = limited ? 429 : verdict.failure === 'rejected' ? 400 : failure.status;
    return { status, headers: { ...failure.headers }, body: failure.body };
  }

  unreadableScanCallback(): WechatReply {
    return {
      status: 200,
      headers: XML,
      body: buildV2Xml({ return_code: 'FAIL', return_msg: '参数格式校验错误' }),
    };
  }
}
