import { startBenchServer } from './baseline';
import { freePort, type ManagedProcess } from './process';

/** What the sink received since its last reset. */
export interface SinkStats {
  messages: number;
  /** Messages that carried an X-Frontdesk-Leads header. */
  withLeadHeader: number;
  /** Distinct lead ids over all those headers (a digest lists at most 100). */
  distinctLeads: number;
  /** Lead ids that arrived in more than one message: duplicate sends. */
  duplicateLeads: number;
  maxPerLead: number;
}

export interface RunningSmtpSink {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  readonly smtpUrl: string;
  readonly process: ManagedProcess;
  stats(): Promise<SinkStats>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts bench/sinks/smtp-sink-server.ts in its own process: accepts and counts every message. */
export async function startSmtpSink(): Promise<RunningSmtpSink> {
  const smtpPort = await freePort();
  const server = await startBenchServer({
    name: 'SMTP sink',
    script: 'bench/sinks/smtp-sink-server.ts',
    env: { SMTP_PORT: String(smtpPort) },
    readyPath: '/stats',
  });
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    process: server.process,
    async stats() {
      const response = await fetch(`${server.url}/stats`, { signal: AbortSignal.timeout(5_000) });
      if (response.status !== 200) throw new Error(`SMTP sink /stats answered ${response.status}`);
      return (await response.json()) as SinkStats;
    },
    async reset() {
      const response = await fetch(`${server.url}/reset`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status !== 204) throw new Error(`SMTP sink /reset answered ${response.status}`);
    },
    stop: () => server.stop(),
  };
}
