/** The control API (`/_sim/…`), the phone page and the console, and the JSON shapes they exchange. */
export { CONTROL_PREFIX, controlRoutes } from './control-routes.js';
export type { MerchantSummary } from './merchant-control-routes.js';
export type { NotificationSummary } from './notification-view.js';
export { formatFen, type OrderView, type RefundView } from './order-view.js';
export { phonePageRoutes } from './phone-page-routes.js';
export type { UserView } from './user-control-routes.js';
