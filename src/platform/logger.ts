import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Events carry a dotted name in `event`
 * (`inquiry.accepted`); personal data (email, phone, message) never goes in,
 * and the redaction below is the safety net if a careless field slips through.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'frontdesk' },
      redact: {
        paths: ['email', 'phone', 'message', '*.email', '*.phone', '*.message', 'req.headers.cookie', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
