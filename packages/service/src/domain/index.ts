export type * from './admin-ports.js';
export * from './domain-error.js';
export * from './money.js';
export * from './order.js';
export * from './order-state-machine.js';
export type * from './ports.js';
export * from './refund.js';
export type * from './refund-ports.js';
export * from './refund-state-machine.js';
