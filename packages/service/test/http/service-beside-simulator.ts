import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@wechatpay-kit/simulator';
import { afterAll, beforeAll } from 'vitest';
import { simulatorCredentials } from '../../../cli/src/demo/simulator-merchant-settings.js';
import { type ServiceConfig, validateServiceConfig } from '../../src/config/service-config.js';
import { createServiceApp, type ServiceApp, type ServiceAppOptions } from '../../src/service-app.js';

/** What a suite changes of the plain set-up, given the simulator it runs beside. */
export interface BesideSimulatorSetup {
  config?: Partial<ServiceConfig>;
  options?: ServiceAppOptions;
}

export interface ServiceBesideSimulator {
  readonly simulator: RunningSimulator;
  readonly service: ServiceApp;
}

/**
 * For suites about one service process rather than storage: a fresh simulator and a SQLite service
 * configured with its merchant, started before the suite and removed after it. `setup` adjusts the
 * config and the app options (logger, clock, timers).
 */
export function useServiceBesideSimulator(
  name: string,
  setup: (simulator: RunningSimulator) => BesideSimulatorSetup | Promise<BesideSimulatorSetup> = () => ({}),
): ServiceBesideSimulator {
  const dataDir = mkdtempSync(join(tmpdir(), `wxpay-${name}-`));
  let simulator: RunningSimulator | undefined;
  let service: ServiceApp | undefined;
  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
    const { config, options } = await setup(simulator);
    service = await createServiceApp(
      validateServiceConfig({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        publicUrl: 'http://127.0.0.1:1',
        adminToken: `${name}-admin-token-0000000000000000`,
        orderTtlMinutes: 15,
        logger: false,
        wechat: simulatorCredentials(simulator.merchant),
        ...config,
      }),
      options,
    );
    await service.start();
  });
  afterAll(async () => {
    await service?.stop();
    await simulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get simulator() {
      if (!simulator) throw new Error('the simulator starts in beforeAll');
      return simulator;
    },
    get service() {
      if (!service) throw new Error('the service starts in beforeAll');
      return service;
    },
  };
}
