/** The inquiry routes, for app.ts; kept out of index.ts so processes without HTTP never load Express. */
export { inquiryRouter, type InquiryRouteDeps } from './inquiry-routes';
export { createArticleForm } from './inquiry-form';
