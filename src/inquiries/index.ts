/** Intake: the inquiry form on every article and the JSON API, both through submitInquiry into leads. */
export { inquiryFormRouter } from './form-routes';
export { inquiryApiRouter } from './api-routes';
export { createSubmitInquiry, type SubmitInquiry, type InquiryOutcome, type InquirySubmission } from './submit-inquiry';
export { createIdempotencyKeys } from './idempotency-keys';
export { createArticleForm } from './inquiry-form';
export { createFormTokens } from './form-token';
export { consentDisclosure } from './consent';
export { createInquiryMetrics } from './inquiry-metrics';
