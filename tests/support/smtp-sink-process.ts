import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { SINK_SERVER_OPTIONS } from './smtp-sink';

/**
 * The SMTP sink in a process of its own (started by startSmtpSinkProcess in
 * smtp-sink.ts with `node --import tsx`), so that stopping it is a real
 * outage (the port closes and connections are refused), and its CPU is not
 * the caller's (the bench's dispatchers share the caller's event loop).
 *
 * It accepts every message, reads only the header block (X-Frontdesk-Leads
 * names the leads a message is about) and reports each message to the parent
 * over IPC *before* answering 250: a message the app was told is delivered is
 * always counted. `SINK_ADMISSIONS` tells admissions mail from auto-replies by
 * the envelope recipient (an address, or `@domain` for every address there:
 * with routing, lead mail goes to advisors); addresses themselves are never
 * reported or logged.
 *
 * Parent → child: { type: 'delay', ms } holds each RCPT TO that long (a slow
 * mail server, so a dispatcher is caught mid-send). SIGTERM: shut down like an
 * MTA — stop listening, answer 421 to new transactions, let a message in DATA
 * finish, close the rest after a second, exit.
 */
const port = Number(process.env.SINK_PORT ?? '0');
const admissions = (process.env.SINK_ADMISSIONS ?? '').toLowerCase();
const isAdmissions = (address: string) => (admissions.startsWith('@') ? address.endsWith(admissions) : address === admissions);
let delayMs = 0;
let closing = false;

const HEADER_END = /\r?\n\r?\n/;
const LEADS_HEADER = /^x-frontdesk-leads:[ \t]*(.*)$/im;

const send = (message: object) =>
  new Promise<void>((resolve) => {
    if (!process.send) return resolve();
    process.send(message, () => resolve());
  });

const server = new SMTPServer({
  ...SINK_SERVER_OPTIONS,
  closeTimeout: 1_000,
  banner: 'frontdesk test sink',
  onMailFrom(_address, _session, callback) {
    if (closing) return callback(Object.assign(new Error('Server shutting down, try again later'), { responseCode: 421 }));
    callback();
  },
  onRcptTo(_address, _session, callback) {
    if (delayMs > 0) setTimeout(() => callback(), delayMs);
    else callback();
  },
  onData(stream: SMTPServerDataStream, session, callback) {
    let head = '';
    let headDone = false;
    stream.on('data', (chunk: Buffer) => {
      if (headDone) return;
      head += chunk.toString('latin1');
      const end = HEADER_END.exec(head);
      if (end) {
        head = head.slice(0, end.index);
        headDone = true;
      } else if (head.length > 1_000_000) headDone = true;
    });
    stream.on('end', () => {
      const match = LEADS_HEADER.exec(head.replace(/\r?\n[ \t]+/g, ' '));
      const leads = match?.[1] ? match[1].trim().split(/\s+/) : [];
      const toAdmissions = session.envelope.rcptTo.some((rcpt) => isAdmissions(rcpt.address.toLowerCase()));
      void send({ type: 'message', admissions: toAdmissions, leads, at: Date.now() }).then(() => callback());
    });
  },
});
server.on('error', (error) => process.stderr.write(`smtp-sink: ${error.message}\n`));

process.on('message', (message: { type?: string; ms?: number }) => {
  if (message.type === 'delay') delayMs = Number(message.ms) || 0;
});

process.once('SIGTERM', () => {
  closing = true;
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
});

server.listen(port, '127.0.0.1', () => {
  void send({ type: 'ready', port: (server.server.address() as AddressInfo).port });
});
