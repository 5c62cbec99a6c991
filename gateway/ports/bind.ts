// Listening and stopping for every kind of gateway server (net, tls, http, https). Stopping
// destroys the open connections too: an endless stream would otherwise keep close() waiting
// forever.
import type { AddressInfo, Server, Socket } from 'node:net';

export interface Bound {
  port(): number;
  close(): Promise<void>;
}

/** `onError`: failures after listening started (they do not stop the server). */
export function bind(server: Server, port: number, host: string, onError: (err: Error) => void): Promise<Bound> {
  const sockets = new Set<Socket>();
  // 'connection' carries the TCP socket for TLS and HTTP servers too; destroying it ends both layers.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', onError);
      resolve({
        port: () => (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
