export { meteredOrderRepository } from './metered-order-repository.js';
export { meteredRefundRepository } from './metered-refund-repository.js';
