/** Notifications: the outbox, the dispatcher that sends it, and the emails' content. */
export { createDispatcher, type Dispatcher, type DispatcherDeps, type DispatchReport } from './dispatcher';
export { createEmailContent, type EmailContent } from './email-content';
export { createNotificationMetrics, type NotificationMetrics } from './notification-metrics';
export { createLeadRouting, type LeadRouting, type Reassignment } from './lead-routing';
