/** Readiness and the drain of a stopping server (no HTTP routes here: those are in http.ts). */
export { createDrain, realTimers, IDLE_SWEEP_MS, type Drain, type DrainTimers } from './drain';
