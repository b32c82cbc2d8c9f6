/**
 * The outbox: rows for anything sent later, queued in the transaction that
 * causes them and claimed under a lease by whoever sends them. Its own
 * capability so that intake can queue without depending on the senders.
 */
export { createOutboxRepository, outboxRows, OUTBOX_CHANNEL, type OutboxRows, type OutboxRepository, type ClaimedNotification, type NotificationKind, type CallNotificationKind, CALL_NOTIFICATION_KINDS } from './outbox-repository';
