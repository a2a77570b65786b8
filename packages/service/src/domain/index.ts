export * from './domain-error.js';
export * from './money.js';
export * from './order.js';
export * from './order-state-machine.js';
export type * from './ports.js';
