// The payment service as its own process, for the till's crash test: `node pos-child.mjs SETUP.json`.
// Runs the built service (dist/) with short payment-code timing, a short job lock (so a restarted
// process takes over a dead one's micropay job quickly) and the job poll the setup asks for (or none).
// Prints `listening URL` once up and `delivered ORDERNO` for each fulfilment.
import { readFileSync } from 'node:fs';
import { createServiceApp } from '../../../dist/index.js';
import { childServiceConfig } from './child-service-config.mjs';

const [setupPath, pollOverride] = process.argv.slice(2);
const setup = JSON.parse(readFileSync(setupPath, 'utf8'));
const say = (line) => process.stdout.write(`${line}\n`);

const config = childServiceConfig(setup, { apiVersion: 'v3', pos: setup.pos });
const service = await createServiceApp(config, {
  databaseSchema: setup.schema,
  // `off`: an instance that runs no jobs, so an order's job waits in the database untouched.
  runJobs: pollOverride !== 'off',
  jobPollIntervalMs: pollOverride && pollOverride !== 'off' ? Number(pollOverride) : 50,
  jobLockMs: setup.jobLockMs,
  fulfil: (order) => {
    say(`delivered ${order.orderNo}`);
  },
});
await service.start();
say(`listening ${service.url}`);
process.on('SIGTERM', () => {
  void service.stop().then(() => process.exit(0));
});
