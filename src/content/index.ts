/** Sample content loaded on first start. */
export { seedIfEmpty, SEED_DIR } from './seed';
