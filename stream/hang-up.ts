// Send a final reply and close. The socket is resumed so the peer's FIN is seen, and a client that
// keeps its half of the connection open is cut after a short linger instead of holding it forever.
import type { Socket } from 'node:net';

const LINGER_MS = 5000;

export function hangUp(socket: Socket, reply: Buffer): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(reply);
  socket.resume();
  socket.setTimeout(LINGER_MS, () => socket.destroy());
}
