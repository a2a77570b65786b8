import type { Migration, MigrationProvider } from 'kysely';
import * as initialSchema from './0001-initial-schema.js';
import * as refunds from './0002-refunds.js';
import * as platformTokens from './0003-platform-tokens.js';
import * as nativeMode1 from './0004-native-mode1.js';
import * as adminSearch from './0005-admin-search.js';
import * as payerOpenid from './0006-payer-openid.js';
import * as fulfilmentOutbox from './0007-fulfilment-outbox.js';
import * as unverifiedRetention from './0008-unverified-retention.js';
import * as webhookDeliveries from './0009-webhook-deliveries.js';
import * as decryptedNotifications from './0010-decrypted-notifications.js';
import * as reconciliations from './0011-reconciliations.js';
import * as merchantApiOrders from './0012-merchant-api-orders.js';
import * as webhookEndpoints from './0013-webhook-endpoints.js';
import * as adminUsers from './0014-admin-users.js';

/**
 * The migrations, imported statically rather than read from a folder at run time, so they work the
 * same from `src/` under vitest and from `dist/` after a build. Names sort in the order they run.
 */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-initial-schema': initialSchema,
      '0002-refunds': refunds,
      '0003-platform-tokens': platformTokens,
      '0004-native-mode1': nativeMode1,
      '0005-admin-search': adminSearch,
      '0006-payer-openid': payerOpenid,
      '0007-fulfilment-outbox': fulfilmentOutbox,
      '0008-unverified-retention': unverifiedRetention,
      '0009-webhook-deliveries': webhookDeliveries,
      '0010-decrypted-notifications': decryptedNotifications,
      '0011-reconciliations': reconciliations,
      '0012-merchant-api-orders': merchantApiOrders,
      '0013-webhook-endpoints': webhookEndpoints,
      '0014-admin-users': adminUsers,
    };
  },
};
