import { rmSync } from 'node:fs';
import { SCREENSHOTS } from './accessibility';

/** Each run starts with no screenshots and an empty axe log, so what is there is from this run. */
export default function globalSetup(): void {
  rmSync(SCREENSHOTS, { recursive: true, force: true });
}
