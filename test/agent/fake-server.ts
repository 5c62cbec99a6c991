// A TLS server with its own fresh certificate that records every decrypted byte it receives and
// answers each connection with fixed bytes (or nothing): what a wrong server sees of a push.
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { createSelfSignedServerCert } from '../../gateway/tls/certs.ts';
import type { Teardown } from '../gateway/server-harness.ts';

export interface FakeServer {
  port: number;
  certPem: string;
  /** TCP connections accepted. */
  connections(): number;
  /** Application bytes received over all connections. */
  received(): Buffer;
}

export async function fakeSourceServer(t: Teardown, reply: Buffer | null): Promise<FakeServer> {
  const pair = createSelfSignedServerCert();
  let connections = 0;
  const parts: Buffer[] = [];
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ cert: pair.certPem, key: pair.keyPem }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let answered = false;
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      if (reply === null || answered || !Buffer.concat(parts).includes('\r\n\r\n')) return;
      answered = true;
      socket.end(reply);
    });
  });
  server.on('connection', () => connections++);
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, certPem: pair.certPem, connections: () => connections, received: () => Buffer.concat(parts) };
}
