import net from 'node:net';

/**
 * A TCP forwarder on a loopback port in front of a server (PostgreSQL,
 * Redis), for cutting the connection from tests: `down()` drops every open
 * connection and refuses new ones, as a stopped or unreachable server would;
 * `up()` lets traffic through again. `setTarget` points new connections at
 * another port — a restarted embedded PostgreSQL picks a new one, and the
 * forwarder stands where a DNS name or load balancer would in production.
 */
export async function startTcpProxy(target: { port: number; host?: string }) {
  let { port: targetPort } = target;
  const targetHost = target.host ?? '127.0.0.1';
  const sockets = new Set<net.Socket>();
  let available = true;

  const server = net.createServer((client) => {
    if (!available) return client.destroy();
    const upstream = net.connect(targetPort, targetHost);
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
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };

  return {
    port,
    /** A connection string of the same server, rewritten to go through the forwarder. */
    route(connectionString: string): string {
      const url = new URL(connectionString);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    setTarget(next: number) {
      targetPort = next;
    },
    down() {
      available = false;
      dropAll();
    },
    up() {
      available = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;

/** A forwarder in front of the server at `serverUrl` (by default the test run's PostgreSQL). */
export function startProxyFor(serverUrl = process.env.FRONTDESK_TEST_ADMIN_URL!): Promise<TcpProxy> {
  const url = new URL(serverUrl);
  return startTcpProxy({ host: url.hostname, port: Number(url.port || (url.protocol.startsWith('redis') ? 6379 : 5432)) });
}
