import type { BillSource } from '../../domain/index.js';
import { V2BillSource } from './v2/v2-bill-source.js';
import { V3BillSource } from './v3/v3-bill-source.js';
import type { WechatClients } from './wechat-clients.js';

/**
 * The bill source of a merchant. A merchant has one bill whichever API its orders went through,
 * so it is fetched once: over v3 when configured (the file is digest-checked), else over v2.
 */
export function sdkBillSource(clients: WechatClients): BillSource {
  return clients.apiVersions.includes('v3') ? new V3BillSource(clients.v3) : new V2BillSource(clients.v2);
}
