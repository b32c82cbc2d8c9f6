import net from 'node:net';

/**
 * A TCP forwarder on a fixed loopback port in front of a server whose port
 * changes when it restarts (the embedded PostgreSQL picks a free port on each
 * start), as a load balancer or a DNS name would be in production. It adds no
 * fault of its own: while the server is down, a new connection is accepted and
 * closed at once (its upstream connection is refused), which the client sees
 * as the server being away; `setTarget` points new connections at the server's
 * new port.
 */
export async function startTcpProxy(targetPort: number) {
  let target = targetPort;
  const sockets = new Set<net.Socket>();
  const onConnection = (client: net.Socket) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  };
  let server = net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port,
    /** The same connection string, through the proxy. */
    route(connectionString: string): string {
      const url = new URL(connectionString);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    setTarget(next: number) {
      target = next;
    },
    /** The server "goes away": open connections drop and the port refuses new ones. */
    pause: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropAll();
      }),
    /** Back on the same port. */
    resume: async () => {
      server = net.createServer(onConnection);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
