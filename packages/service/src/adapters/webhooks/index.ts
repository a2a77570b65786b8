export { HttpWebhookSender } from './http-webhook-sender.js';
export { WebhookEndpointDirectory } from './webhook-endpoint-directory.js';
