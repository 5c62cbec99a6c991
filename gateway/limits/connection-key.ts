// One TCP connection's name, the same for the raw socket a server accepts and for the TLS socket
// wrapped around it: both report the same addresses and ports (RFC 9293 §3.1: the 4-tuple
// identifies a connection). What is decided at accept is found again at the first request by it.
import type { Socket } from 'node:net';

export function connectionKey(socket: Socket): string | null {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (remoteAddress === undefined || remotePort === undefined) return null;
  return `${remoteAddress}|${remotePort}|${localAddress ?? ''}|${localPort ?? ''}`;
}
