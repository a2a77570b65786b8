/** What to send back to WeChat Pay, framework-neutral. */
export interface V3NotificationReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * "Received": WeChat accepts 200 or 204 with no body. Send it only after the event is stored, since
 * WeChat stops retrying once it sees it.
 */
export function v3NotificationAck(): V3NotificationReply {
  return { status: 204, headers: {}, body: '' };
}

/**
 * "Not handled, send again": any 4xx/5xx makes WeChat retry on its schedule (15 s … 6 h, about
 * 24 h in all). Keep `message` free of internal details; WeChat shows it in the merchant console.
 */
export function v3NotificationFailure(message = 'FAIL'): V3NotificationReply {
  return {
    status: 500,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: 'FAIL', message }),
  };
}
