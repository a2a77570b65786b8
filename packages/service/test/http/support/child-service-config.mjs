// The configuration the crash-test children (fulfilment-child.mjs, pos-child.mjs) start the built
// service with: the setup file's port, data dir, database and demo merchant, plus what each adds.
// Behind a load balancer the setup names its address as `publicUrl` (WeChat's notify URL is the
// balancer's) and how long a stopping instance keeps serving while the balancer notices.
import { simulatorCredentials } from '../../../../cli/dist/demo/simulator-merchant-settings.js';
import { validateServiceConfig } from '../../../dist/index.js';

export function childServiceConfig(setup, { apiVersion, ...extra } = {}) {
  return validateServiceConfig({
    port: setup.port,
    host: '127.0.0.1',
    dataDir: setup.dataDir,
    databaseUrl: setup.databaseUrl,
    publicUrl: setup.publicUrl ?? `http://127.0.0.1:${setup.port}`,
    adminToken: setup.adminToken,
    orderTtlMinutes: 15,
    logger: false,
    wechat: simulatorCredentials(setup.merchant, apiVersion),
    shutdownDelayMs: setup.shutdownDelayMs,
    limits: setup.limits,
    ...extra,
  });
}
