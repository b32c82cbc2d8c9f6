/**
 * Webhooks (SPEC §13, docs/webhooks.md): endpoints added from the command
 * line, events queued in the transaction of the change that causes them,
 * signed per Standard Webhooks and delivered by the dispatchers with their
 * own retry schedule, only to public addresses unless WEBHOOK_ALLOW_PRIVATE=on.
 * Adding an event: a line in WEBHOOK_EVENTS and a `queueWebhookEvent(tx, …)`
 * where it happens.
 */
export { WEBHOOK_EVENTS, WEBHOOK_CHANNEL, isWebhookEvent, queueWebhookEvent, type WebhookEvent, type WebhookEventType, type WebhookTransaction } from './webhook-events';
export { createEndpointRepository, type EndpointRepository, type WebhookEndpoint } from './endpoint-repository';
export { createDeliveryRepository, type DeliveryRepository, type DeliveryView, type DeliveryStatus } from './delivery-repository';
export { createWebhookSender, signatureHeaders, WEBHOOK_TIMEOUT_MS, RESPONSE_READ_LIMIT, type WebhookSender, type SenderOptions, type SendOutcome } from './webhook-sender';
export { createWebhookDispatcher, type WebhookDispatcher } from './webhook-dispatcher';
export { createWebhookMetrics } from './webhook-metrics';
export { createWebhookCommands, type WebhookCommandDeps, type WebhookAuditRecord } from './webhook-commands';
export { RETRY_DELAYS_MS, MAX_TRIES, nextWebhookAttempt } from './retry-schedule';
export { addressProblem, systemLookup, type LookupFunction } from './address-policy';
export { webhookUrlProblem } from './webhook-url';
export type { WebhookPassReport } from './delivery-pass';
