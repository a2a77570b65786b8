/**
 * One payment service instance in a process of its own (forked by `service-instance-client.mjs`):
 * two instances in one process would share one event loop and one CPU account, and would not be two
 * instances. The parent reads this process's CPU from /proc; the tasks here report what only the
 * process itself can see: its PostgreSQL round trips, its event-loop delay, and a census of its
 * memory, file descriptors, active handles and open streams (after a forced GC).
 */
import { serveTasks } from './ipc-child.mjs';
import { roundTripMeter } from './pg-round-trips.mjs';
import { cpuUs, processCensus } from './process-census.mjs';
import { countPaid, loopDelayMeter, startBenchService } from './service-phases.mjs';

let service;
let meters;

serveTasks({
  async start({ merchant, dataDir, databaseUrl, schema, poolSize }) {
    service = await startBenchService(merchant, dataDir, { databaseUrl, schema, poolSize });
    return { url: service.url };
  },

  /** Starts counting round trips and loop delay; `stopMeters` answers both for the same span. */
  startMeters() {
    meters = { roundTrips: roundTripMeter(), loop: loopDelayMeter() };
    return true;
  },

  stopMeters() {
    const result = { roundTrips: meters.roundTrips.stop(), loop: meters.loop.stop() };
    meters = undefined;
    return result;
  },

  countPaid({ orderNos }) {
    return countPaid(
      service,
      orderNos.map((orderNo) => ({ orderNo })),
    );
  },

  cpu() {
    return cpuUs();
  },

  /** This process's CPU every `everyMs` for `forMs`: `[epoch ms, µs so far]` pairs. */
  async cpuSamples({ everyMs, forMs }) {
    const samples = [];
    const take = () => samples.push([performance.timeOrigin + performance.now(), cpuUs()]);
    take();
    const timer = setInterval(take, everyMs);
    await new Promise((done) => setTimeout(done, forMs));
    clearInterval(timer);
    take();
    return samples;
  },

  /** Open SSE streams, and orders the event bus holds listeners for (SQLite's in-process bus). */
  streams() {
    return { open: service.metrics.openStreams(), watchedOrders: service.events.watchedOrders };
  },

  census() {
    return { ...processCensus(), ...this.streams() };
  },

  async stop() {
    await service?.stop();
    service = undefined;
    return true;
  },
});
