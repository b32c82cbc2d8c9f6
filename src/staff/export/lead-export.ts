import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, type Pool, type PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import type { Logger } from '../../platform/logger';
import { CsvRecordTerminator, NdjsonEncoder } from './export-encoders';
import { csvCopyStatement, ndjsonQuery, type ExportRequest } from '../../leads';

/**
 * Streams leads to any Writable (an HTTP response, a file) with constant
 * memory: CSV through `COPY … TO STDOUT`, NDJSON through a server-side
 * cursor, both read only as fast as the destination drains
 * (stream.pipeline's back-pressure reaches the socket to PostgreSQL, and
 * PostgreSQL waits). If the destination goes away (a client disconnects),
 * the query is cancelled on the server and its connection discarded.
 */
export interface ExportOutcome {
  /** Data rows written (the header row not counted); for an incomplete export, the rows that got as far as the destination's buffer. */
  rows: number;
  completed: boolean;
  /** Why an export stopped early, other than the destination closing. */
  error?: unknown;
}

export interface StartedExport {
  /**
   * Streams the export into `destination`. With `end: false` the destination
   * is left open when the rows are done (the HTTP route ends the response
   * only after its audit record is written).
   */
  pipeTo(destination: Writable, options?: { end?: boolean }): Promise<ExportOutcome>;
  /** Gives the connection back without running the export (e.g. a HEAD request). */
  cancel(): void;
}

export function createLeadExporter(deps: { pool: Pool; connectionString: string; logger: Logger }) {
  const { pool, logger } = deps;

  /** Asks the server to stop the query running on that connection, from a connection of its own. */
  async function cancelBackend(processId: number | null | undefined): Promise<void> {
    if (!processId) return;
    const client = new Client({ connectionString: deps.connectionString, connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend($1)', [processId]);
    } catch (error) {
      logger.warn({ event: 'staff.export_cancel_failed', code: (error as { code?: string }).code });
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  return {
    /**
     * Takes a connection first, so "the database is down" is an ordinary
     * error (503) before any byte of the response is written.
     */
    async start(request: ExportRequest): Promise<StartedExport> {
      const client: PoolClient = await pool.connect();
      // A cursor stream never ends once its connection is gone (database
      // restart): a lost connection fails the export instead.
      let lost: Error | undefined;
      let failExport: ((error: Error) => void) | undefined;
      const onConnectionLost = (error: Error) => {
        lost ??= error;
        failExport?.(error);
      };
      client.on('error', onConnectionLost);
      let released = false;
      const release = (failure?: Error) => {
        if (released) return;
        released = true;
        // After a failure the connection may be mid-COPY with PostgreSQL blocked
        // writing to it: close the socket outright (a polite Terminate would
        // sit unread behind the data), and never return it to the pool.
        if (failure) client.connection.stream.destroy();
        else client.removeListener('error', onConnectionLost);
        client.release(failure);
      };

      return {
        cancel: () => release(),
        async pipeTo(destination: Writable, options: { end?: boolean } = {}): Promise<ExportOutcome> {
          const processId = (client as PoolClient & { processID?: number | null }).processID;
          let counter: () => number;
          let source;
          let encoder;
          if (request.format === 'csv') {
            const csv = new CsvRecordTerminator({ bom: request.bom });
            counter = () => Math.max(0, csv.records - 1);
            source = client.query(copyTo(csvCopyStatement(request)));
            encoder = csv;
          } else {
            const ndjson = new NdjsonEncoder({ bom: request.bom });
            counter = () => ndjson.rows;
            const { text, values } = ndjsonQuery(request);
            source = client.query(new QueryStream(text, values, { rowMode: 'array', batchSize: 1000 }));
            encoder = ndjson;
          }
          // Through the encoder: destroying the query stream itself waits for the dead connection.
          failExport = (error) => encoder.destroy(error);
          if (lost) encoder.destroy(lost);
          try {
            await pipeline(source, encoder, destination, { end: options.end ?? true });
            release();
            return { rows: counter(), completed: true };
          } catch (error) {
            // Whatever stopped the stream, the query may still be running:
            // cancel it, and never put this connection back in the pool.
            await cancelBackend(processId);
            release(error instanceof Error ? error : new Error(String(error)));
            const disconnected = (error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE';
            return { rows: counter(), completed: false, ...(disconnected ? {} : { error }) };
          }
        },
      };
    },
  };
}

export type LeadExporter = ReturnType<typeof createLeadExporter>;
