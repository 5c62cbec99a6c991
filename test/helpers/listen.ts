// A raw-socket listener: sends a request head, splits the response head from the stream body and
// collects body bytes until it has enough, so tests wait on data, not on time.
import net from 'node:net';
import tls from 'node:tls';

export interface Capture {
  status: number;
  statusLine: string;
  headers: Map<string, string[]>;
  /** The raw response head, including the final CRLFCRLF. */
  rawHead: string;
  body: Buffer;
}

export interface ListenOptions {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** Resolve once this many body bytes arrived (default: at end of stream). */
  bytes?: number;
  /** Give up after this long and resolve with what arrived (default 20 s). */
  timeoutMs?: number;
  /** Over TLS (any certificate accepted), as a player of the gateway's TLS listener port. */
  tls?: boolean;
}

export function rawRequest(port: number, text: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    s.on('data', (d) => parts.push(d));
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(Buffer.concat(parts)) : reject(e)));
    s.on('close', () => resolve(Buffer.concat(parts)));
    s.write(text);
  });
}

export function parseHead(raw: string): Pick<Capture, 'status' | 'statusLine' | 'headers'> {
  const lines = raw.split('\r\n');
  const statusLine = lines[0] ?? '';
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    headers.set(k, [...(headers.get(k) ?? []), line.slice(i + 1).trim()]);
  }
  return { status: Number(statusLine.split(' ')[1]), statusLine, headers };
}

export interface OpenListener {
  socket: net.Socket;
  /** Resolves when the response head and at least `bytes` body bytes arrived, or the stream ended. */
  capture: Promise<Capture>;
}

export function openListener(o: ListenOptions): OpenListener {
  const socket = o.tls ? tls.connect({ port: o.port, host: '127.0.0.1', rejectUnauthorized: false }) : net.connect(o.port, '127.0.0.1');
  const capture = new Promise<Capture>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let head: string | null = null;
    const body: Buffer[] = [];
    let bodyBytes = 0;
    const timer = setTimeout(done, o.timeoutMs ?? 20000);
    function done(): void {
      clearTimeout(timer);
      socket.off('data', onData);
      if (head === null) return reject(new Error(`no response head; got ${JSON.stringify(buf.toString('latin1').slice(0, 200))}`));
      resolve({ ...parseHead(head), rawHead: head, body: Buffer.concat(body) });
    }
    function onData(d: Buffer): void {
      if (head === null) {
        buf = Buffer.concat([buf, d]);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = buf.subarray(0, end + 4).toString('latin1');
        d = buf.subarray(end + 4);
      }
      body.push(d);
      bodyBytes += d.length;
      if (o.bytes !== undefined && bodyBytes >= o.bytes) done();
    }
    socket.on('data', onData);
    socket.on('close', done);
    socket.on('error', () => done());
  });
  const lines = [`${o.method ?? 'GET'} ${o.path} HTTP/1.1`, 'Host: 127.0.0.1', 'User-Agent: icegate-test/1.0'];
  for (const [k, v] of Object.entries(o.headers ?? {})) lines.push(`${k}: ${v}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  return { socket, capture };
}

/** Open a listener, collect `bytes` of body, then hang up. */
export async function listen(o: ListenOptions): Promise<Capture> {
  const l = openListener(o);
  try {
    return await l.capture;
  } finally {
    l.socket.destroy();
  }
}
