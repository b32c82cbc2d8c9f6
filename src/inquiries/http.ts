/** The inquiry routes, for app.ts; kept out of index.ts so processes without HTTP never load Express. */
export { inquiryFormRouter, type FormRouteDeps } from './form-routes';
export { inquiryApiRouter, type ApiRouteDeps } from './api-routes';
export { createArticleForm } from './inquiry-form';
export { sameOrigin } from './inquiry-guards';
