import type { InboundNotificationsByVersion } from '../../domain/index.js';
import { V2InboundNotifications } from './v2/v2-inbound-notifications.js';
import { V3InboundNotifications } from './v3/v3-inbound-notifications.js';
import type { WechatClients } from './wechat-clients.js';

/** Both dialects of WeChat's callbacks over the shared clients; an unconfigured one rejects what it gets. */
export function inboundNotifications(clients: WechatClients): InboundNotificationsByVersion {
  return { v2: new V2InboundNotifications(clients), v3: new V3InboundNotifications(clients) };
}
