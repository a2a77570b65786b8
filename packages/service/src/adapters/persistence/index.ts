export { type Database, type DatabaseOptions, openDatabase } from './database.js';
export type { DatabaseSchema, Dialect } from './database-schema.js';
export { DEMO_PRODUCTS, seedDemoProducts } from './demo-products-seed.js';
export { type DatabaseExecutor, enqueueJobs, KyselyJobQueue } from './kysely-job-queue.js';
export { KyselyNotificationLog } from './kysely-notification-log.js';
export { KyselyOrderRepository } from './kysely-order-repository.js';
export { KyselyOrderStatistics } from './kysely-order-statistics.js';
export { KyselyProductRepository } from './kysely-product-repository.js';
export { KyselyRefundRepository } from './kysely-refund-repository.js';
