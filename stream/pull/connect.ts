// Opens a relay's connection to its upstream: TCP or TLS, the listener request, the response head
// read on the raw socket (see response-head.ts), redirects followed. Every wait is bounded by the
// injected clock, and every failure becomes a message: a dead or slow upstream only ever delays
// its own relay.
import net from 'node:net';
import tls from 'node:tls';
import type { Clock } from '../clock.ts';
import { parseResponseHead, type ResponseHead } from './response-head.ts';
import { interpretAnswer, redact, upstreamRequest, urlCredentials, type Credentials, type RequestOptions } from './upstream.ts';

export interface UpstreamConnection {
  /** Paused, with no listeners of ours left on it: the caller reads the stream from here. */
  socket: net.Socket;
  head: ResponseHead;
  /** Stream bytes that arrived together with the head. */
  rest: Buffer;
  /** Where the stream came from, after redirects. */
  url: URL;
}

/** `status`: the upstream's answer when it refused (404, 401 …), absent when it could not be reached. */
export type ConnectResult = { ok: true; connection: UpstreamConnection } | { ok: false; error: string; status?: number };

export interface ConnectAttempt {
  result: Promise<ConnectResult>;
  /** Abandon the attempt; `result` resolves with an error. */
  cancel(): void;
}

export interface ConnectOptions extends Omit<RequestOptions, 'credentials'> {
  credentials: Credentials | null;
  clock: Clock;
  /** Per hop: TCP/TLS connect plus the whole response head. */
  timeoutMs: number;
}

type Exchange = { ok: true; socket: net.Socket; head: ResponseHead; rest: Buffer } | { ok: false; error: string };

export function connectUpstream(url: URL, o: ConnectOptions): ConnectAttempt {
  let cancelled = false;
  let abort: (() => void) | null = null;
  const result = (async (): Promise<ConnectResult> => {
    let credentials = urlCredentials(url, o.credentials);
    for (let hops = 0; ; hops++) {
      const where = redact(url);
      const x = await exchange(url, upstreamRequest(url, { ...o, credentials }), o, (a) => (abort = a));
      if (cancelled) {
        if (x.ok) x.socket.destroy();
        return { ok: false, error: 'cancelled' };
      }
      if (!x.ok) return { ok: false, error: `${where}: ${x.error}` };
      const answer = interpretAnswer(url, x.head, credentials, hops);
      if (answer.kind === 'stream') return { ok: true, connection: { socket: x.socket, head: x.head, rest: x.rest, url } };
      x.socket.destroy();
      if (answer.kind === 'refused') return { ok: false, error: `${where}: ${answer.message}`, status: x.head.status };
      url = answer.url;
      credentials = answer.credentials;
    }
  })();
  return {
    result,
    cancel: () => {
      cancelled = true;
      abort?.();
    },
  };
}

function open(url: URL): net.Socket {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'https:') {
    const port = Number(url.port || 443);
    return tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }) });
  }
  return net.connect({ host, port: Number(url.port || 80) });
}

/** One request and its response head. */
function exchange(url: URL, request: Buffer, o: ConnectOptions, onAbort: (abort: () => void) => void): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = open(url);
    let buffered: Buffer = Buffer.alloc(0);
    let done = false;
    const finish = (x: Exchange): void => {
      if (done) return;
      done = true;
      timer.cancel();
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (x.ok) socket.pause();
      else socket.destroy();
      resolve(x);
    };
    const onData = (chunk: Buffer): void => {
      // Bounded: parseResponseHead gives up once 8 KiB hold no complete head.
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const parsed = parseResponseHead(buffered);
      if (parsed.kind === 'incomplete') return;
      if (parsed.kind === 'error') return finish({ ok: false, error: parsed.message });
      finish({ ok: true, socket, head: parsed.head, rest: buffered.subarray(parsed.bodyStart) });
    };
    const onError = (e: NodeJS.ErrnoException): void => finish({ ok: false, error: e.code ?? e.message });
    const onClose = (): void => finish({ ok: false, error: 'the connection closed before a response head' });
    const timer = o.clock.after(o.timeoutMs, () => finish({ ok: false, error: `no answer within ${o.timeoutMs / 1000} s` }));
    onAbort(() => finish({ ok: false, error: 'cancelled' }));
    socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}
