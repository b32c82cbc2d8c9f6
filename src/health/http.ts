/** /healthz, /readyz and /metrics, for app.ts. */
export { healthRouter } from './health-routes';
