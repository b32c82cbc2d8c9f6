/** Intake: the inquiry schema, form tokens, consent, and submitInquiry into leads. Routes: ./http.ts. */
export { INQUIRY_FIELDS, ATTRIBUTION_FIELDS, parseInquiry, parseAttribution, inquiryApiBodySchema, inquiryAcceptedSchema, idempotencyKeySchema, type Inquiry, type InquiryAccepted, type FieldIssue } from './inquiry-schema';
export { consentDisclosure, type ConsentDisclosure } from './consent';
export { createFormTokens, type FormTokens } from './form-token';
export { createInquiryMetrics, type InquiryMetrics } from './inquiry-metrics';
export { createSubmitInquiry, type SubmitInquiry, type InquiryOutcome, type InquirySubmission } from './submit-inquiry';
export { createIdempotencyKeys, type IdempotencyKeys } from './idempotency-keys';
