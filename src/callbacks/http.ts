/** The calls' routes and the thanks page's offer, for app.ts; kept out of index.ts so processes without HTTP never load Express. */
export { callbackRouter, callOfferForThanks, CALL_COOKIE, type CallbackRouteDeps, type CallOfferForThanks } from './callback-routes';
