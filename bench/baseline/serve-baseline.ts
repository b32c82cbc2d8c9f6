import type express from 'express';

/**
 * What every baseline server does besides its one route: read its settings,
 * listen on PORT/HOST, answer a failed request with a 500 instead of a hang,
 * and stop on SIGTERM. Kept apart from the routes so a baseline stays as
 * bare as the cost it stands for.
 */
export function required(name: string, server: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${server}: ${name} is required\n`);
    process.exit(2);
  }
  return value;
}

export function serveBaseline(app: express.Express, server: string, onStop: () => Promise<void> = async () => undefined): void {
  // Express 5 passes rejected promises here; a failed insert must show as a 500, not a hang.
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    process.stderr.write(`${server}: ${error.message}\n`);
    res.status(500).json({ error: 'internal', message: error.message });
  });
  const listening = app.listen(Number(required('PORT', server)), required('HOST', server));
  listening.once('error', (error) => {
    process.stderr.write(`${server}: ${error.message}\n`);
    process.exit(1);
  });
  process.once('SIGTERM', () => {
    listening.close(() => void onStop().finally(() => process.exit(0)));
    listening.closeIdleConnections();
  });
  process.once('SIGINT', () => process.exit(0));
}
