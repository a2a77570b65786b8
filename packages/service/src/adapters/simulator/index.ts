export { SimulatorNotificationResender } from './simulator-notification-resender.js';
