import { createHash } from 'node:crypto';

/**
 * The disclosure shown beside the consent checkbox. Changing the words means
 * a new version: each lead's consent record keeps the exact text it was shown,
 * its version and hash, so what someone agreed to can always be proven.
 */
export interface ConsentDisclosure {
  text: string;
  version: string;
  sha256: string;
}

export function consentDisclosure(siteName: string): ConsentDisclosure {
  const text =
    `I agree that ${siteName} may contact me by email, phone or text message about my inquiry and its programs. ` +
    'Consent is not a condition of enrollment, and I can withdraw it at any time.';
  return { text, version: '2026-11-01', sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}
