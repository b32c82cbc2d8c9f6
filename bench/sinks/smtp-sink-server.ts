import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP server for the dispatch scenario, in its own process so its CPU
 * does not share the dispatcher's event loop. It accepts every message
 * (no TLS, no AUTH: nothing to negotiate), drains the data stream, and reads
 * only the header block, to count messages per `X-Frontdesk-Leads` value
 * (the lead ids a message covers): a lead id seen twice is a duplicate send.
 *
 * Env: SMTP_PORT (mail), PORT (HTTP: GET /stats → counts since the last
 * POST /reset), HOST.
 */
const host = required('HOST');

let counts = fresh();
function fresh() {
  return { messages: 0, withLeadHeader: 0, perLead: new Map<string, number>() };
}

const HEADER_END = /\r?\n\r?\n/;
const LEADS_HEADER = /^x-frontdesk-leads:[ \t]*(.*)$/im;

const smtp = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  banner: 'frontdesk bench sink',
  onData(stream, _session, callback) {
    let head = '';
    let headDone = false;
    stream.on('data', (chunk: Buffer) => {
      if (headDone) return; // drained, not kept
      head += chunk.toString('latin1');
      const end = HEADER_END.exec(head);
      if (end) {
        head = head.slice(0, end.index);
        headDone = true;
      } else if (head.length > 1_000_000) {
        headDone = true;
      }
    });
    stream.on('end', () => {
      counts.messages += 1;
      // Long header values are folded (CRLF + whitespace): unfold before reading.
      const match = LEADS_HEADER.exec(head.replace(/\r?\n[ \t]+/g, ' '));
      if (match?.[1]) {
        counts.withLeadHeader += 1;
        for (const id of match[1].trim().split(/\s+/)) counts.perLead.set(id, (counts.perLead.get(id) ?? 0) + 1);
      }
      callback();
    });
  },
});
smtp.on('error', (error) => process.stderr.write(`smtp-sink: ${error.message}\n`));

const http = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/reset') {
    counts = fresh();
    res.writeHead(204).end();
    return;
  }
  if (req.method === 'GET' && req.url === '/stats') {
    let duplicates = 0;
    let maxPerLead = 0;
    for (const n of counts.perLead.values()) {
      if (n > 1) duplicates += 1;
      maxPerLead = Math.max(maxPerLead, n);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ messages: counts.messages, withLeadHeader: counts.withLeadHeader, distinctLeads: counts.perLead.size, duplicateLeads: duplicates, maxPerLead }));
    return;
  }
  res.writeHead(404).end();
});
// HTTP answers only once SMTP listens: the harness waits for GET /stats.
smtp.listen(Number(required('SMTP_PORT')), host, () => http.listen(Number(required('PORT')), host));

process.once('SIGTERM', () => {
  http.close();
  smtp.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
process.once('SIGINT', () => process.exit(0));

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`smtp-sink: ${name} is required\n`);
    process.exit(2);
  }
  return value;
}
