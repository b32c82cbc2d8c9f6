import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that a test can cut and restore: `down()`
 * drops every open connection and refuses new ones, as a stopped or
 * unreachable database server would; `up()` lets traffic through again.
 */
export async function startDatabaseProxy(serverUrl = process.env.FRONTDESK_TEST_ADMIN_URL!) {
  const target = new URL(serverUrl);
  const sockets = new Set<net.Socket>();
  let available = true;

  const server = net.createServer((client) => {
    if (!available) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    /** A connection string of the same server, rewritten to go through the proxy. */
    route: (connectionString: string) => {
      const url = new URL(connectionString);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    down() {
      available = false;
      for (const socket of sockets) socket.destroy();
    },
    up() {
      available = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
