// An allowed stream GET leaves Node's HTTP server here: the edge writes Icecast's response head
// and the stream on the raw socket itself (relay/listen.ts), as the relay core does. Node's parser
// stays on the socket, so what the client sends afterwards is still parsed; a stream connection
// carries one request, as in Icecast, and anything more ends it (listener-port.ts, http-gate.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { mountName } from '../../config/schema.ts';
import type { Edge } from './fan-out.ts';
import type { ListenerIdentity } from '../../stream/listen.ts';

const streaming = new WeakSet<Socket>();

/** The socket carries an edge stream; Node's server must not answer on it again. */
export function ownedByEdge(socket: Socket): boolean {
  return streaming.has(socket);
}

/** The mount a canonical request target names (policies/decide.ts encodes it), or null. */
export function mountOfTarget(target: string): string | null {
  const q = target.indexOf('?');
  let path: string;
  try {
    path = decodeURIComponent(q === -1 ? target : target.slice(0, q));
  } catch {
    return null;
  }
  return mountName.safeParse(path).success ? path : null;
}

/** Hands the request's connection to the edge; false when the target names no mount (the caller forwards it). */
export function serveOnEdge(edge: Edge, req: IncomingMessage, res: ServerResponse, target: string, ip: string, who: Omit<ListenerIdentity, 'ip' | 'edgePull'> = {}): boolean {
  const mount = mountOfTarget(target);
  if (mount === null) return false;
  const socket = req.socket;
  // The response object is abandoned: nothing of Node's may be written on this socket any more.
  res.detachSocket(socket);
  streaming.add(socket);
  const get = (name: string): string | undefined => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  edge.serve(socket, { path: mount, get }, { ...who, ip });
  return true;
}
