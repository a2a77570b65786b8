// The configuration both crash-test children (fulfilment-child.mjs, pos-child.mjs) start the built
// service with: the setup file's port, data dir, database and demo merchant, plus what each adds.
import { simulatorCredentials } from '../../../../cli/dist/demo/simulator-merchant-settings.js';
import { validateServiceConfig } from '../../../dist/index.js';

export function childServiceConfig(setup, { apiVersion, ...extra } = {}) {
  return validateServiceConfig({
    port: setup.port,
    host: '127.0.0.1',
    dataDir: setup.dataDir,
    databaseUrl: setup.databaseUrl,
    publicUrl: `http://127.0.0.1:${setup.port}`,
    adminToken: setup.adminToken,
    orderTtlMinutes: 15,
    logger: false,
    wechat: simulatorCredentials(setup.merchant, apiVersion),
    ...extra,
  });
}
