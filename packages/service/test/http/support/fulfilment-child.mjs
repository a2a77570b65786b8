// The payment service as its own process, for the crash test: `node fulfilment-child.mjs SETUP.json MODE`.
// MODE `hang`: the fulfilment hook announces itself and never returns (the process is then killed);
// MODE `deliver`: it announces each delivery. Runs the built service (dist/), exactly as deployed.
// With `webhookUrl` in the setup, order and refund events also go there as signed webhooks.
import { readFileSync } from 'node:fs';
import { createServiceApp } from '../../../dist/index.js';
import { childServiceConfig } from './child-service-config.mjs';

const [setupPath, mode] = process.argv.slice(2);
const setup = JSON.parse(readFileSync(setupPath, 'utf8'));
const say = (line) => process.stdout.write(`${line}\n`);

const config = childServiceConfig(setup, {
  webhooks: setup.webhookUrl
    ? [{ id: 'erp', url: setup.webhookUrl, secret: setup.webhookSecret }]
    : undefined,
});
const service = await createServiceApp(config, {
  databaseSchema: setup.schema,
  jobPollIntervalMs: 50,
  fulfilmentRetryMs: setup.fulfilmentRetryMs,
  jobLockMs: setup.jobLockMs,
  fulfil: (order) => {
    if (mode === 'hang') {
      say(`fulfilling ${order.orderNo}`);
      return new Promise(() => {});
    }
    say(`delivered ${order.orderNo}`);
  },
});
await service.start();
say(`listening ${service.url}`);
process.on('SIGTERM', () => {
  void service.stop().then(() => process.exit(0));
});
