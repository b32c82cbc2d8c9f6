/** Intake: the inquiry form and its schema, form tokens, consent, submitInquiry. Routes: ./http.ts. */
export { EDUCATION_LEVELS, INQUIRY_FIELDS, ATTRIBUTION_FIELDS, parseInquiry, parseAttribution, type Inquiry, type Attribution, type FieldIssue } from './inquiry-schema';
export { consentDisclosure, type ConsentDisclosure } from './consent';
export { createFormTokens, type FormTokens } from './form-token';
export { createInquiryMetrics, type InquiryMetrics } from './inquiry-metrics';
export { createSubmitInquiry, type SubmitInquiry } from './submit-inquiry';
export { createLeadRepository, type LeadRepository } from './lead-repository';
