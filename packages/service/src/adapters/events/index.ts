export { InProcessEventBus } from './in-process-event-bus.js';
export { PgEventBus, type PgEventBusOptions } from './pg-event-bus.js';
