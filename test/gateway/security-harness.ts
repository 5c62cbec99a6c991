// A player for the security tests: one stream GET from a chosen loopback address (127.0.0.2 is
// another client as far as the gateway can tell), counting what arrives and noticing the close.
import net from 'node:net';
import tls from 'node:tls';

export interface Player {
  readonly socket: net.Socket;
  received(): number;
  /** The response head, once it arrived (latin1). */
  head(): string;
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

export function player(port: number, path: string, o: { from?: string; secure?: boolean } = {}): Player {
  const options = { port, host: '127.0.0.1', localAddress: o.from ?? '127.0.0.1' };
  const socket = o.secure ? tls.connect({ ...options, rejectUnauthorized: false }) : net.connect(options);
  let data = Buffer.alloc(0);
  let received = 0;
  let closed = false;
  socket.once(o.secure ? 'secureConnect' : 'connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: radio.example\r\nUser-Agent: icegate-test/1.0\r\n\r\n`));
  socket.on('data', (d: Buffer) => {
    if (data.length < 65536) data = Buffer.concat([data, d]);
    received += d.length;
  });
  socket.on('error', () => {});
  return {
    socket,
    received: () => received,
    head: () => {
      const end = data.indexOf('\r\n\r\n');
      return end === -1 ? '' : data.subarray(0, end).toString('latin1');
    },
    closed: new Promise((resolve) => socket.once('close', () => ((closed = true), resolve()))),
    isClosed: () => closed,
  };
}

/** A connection that only connects (TLS handshake included) and sends nothing. */
export function idle(port: number, o: { from?: string; secure?: boolean } = {}): Player {
  const options = { port, host: '127.0.0.1', localAddress: o.from ?? '127.0.0.1' };
  const socket = o.secure ? tls.connect({ ...options, rejectUnauthorized: false }) : net.connect(options);
  let closed = false;
  socket.on('error', () => {});
  return {
    socket,
    received: () => 0,
    head: () => '',
    closed: new Promise((resolve) => socket.once('close', () => ((closed = true), resolve()))),
    isClosed: () => closed,
  };
}
