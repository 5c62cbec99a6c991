// One small authenticated request beside the source connection: a GET on the gateway's source
// port with the mount's source credentials, over TLS checked against the link's pin exactly as the
// source connection is (agent/source-connection.ts: the pin before a single byte is written),
// answered and closed. Used for silence reports (agent/report-silence.ts).
import tls from 'node:tls';
import { isIP } from 'node:net';
import type { SourceLink } from '../contracts/source-link.ts';
import { spkiPin } from './pin.ts';

export type ReportAnswer = { ok: true; status: number; body: string } | { ok: false; message: string };

export interface ReportRequest {
  link: SourceLink;
  /** Path and query, e.g. /admin/metadata?mount=%2Flive.mp3&mode=silence&silent=1&for=15. */
  target: string;
  userAgent: string;
  /** Trusted CAs when the link has no pin (default: Node's roots). */
  ca?: string | Buffer;
  timeoutMs?: number;
  /** Aborting ends the request at once (the agent stops). */
  signal?: AbortSignal;
}

/** Enough for Icecast's short XML answers; a longer one is cut here. */
const MAX_ANSWER = 16_384;

export function requestHead(link: SourceLink, target: string, userAgent: string): string {
  const host = link.host.includes(':') ? `[${link.host}]` : link.host;
  return [
    `GET ${target} HTTP/1.1`,
    `Host: ${host}:${link.port}`,
    `Authorization: Basic ${Buffer.from(`${link.user}:${link.password}`).toString('base64')}`,
    `User-Agent: ${userAgent.replace(/[\r\n]/g, ' ')}`,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
}

/** The status code and body of an HTTP/1.x answer read to its end; null when it is not one. Pure. */
export function parseAnswer(bytes: Buffer): { status: number; body: string } | null {
  const end = bytes.indexOf('\r\n\r\n');
  const head = bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  if (status === null) return null;
  return { status: Number(status[1]), body: end < 0 ? '' : bytes.subarray(end + 4).toString('utf8') };
}

export function sendReport(o: ReportRequest): Promise<ReportAnswer> {
  const { link } = o;
  const pinned = link.pins.length > 0;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = tls.connect({ host: link.host, port: link.port, servername: isIP(link.host) === 0 ? link.host : undefined, rejectUnauthorized: !pinned, ca: o.ca });
    const finish = (answer: ReportAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish({ ok: false, message: `no answer within ${(o.timeoutMs ?? 10_000) / 1000} s` }), o.timeoutMs ?? 10_000);
    socket.on('error', (e) => finish({ ok: false, message: e.message }));
    if (o.signal?.aborted) finish({ ok: false, message: 'stopped' });
    o.signal?.addEventListener('abort', () => finish({ ok: false, message: 'stopped' }), { once: true });
    socket.once('secureConnect', () => {
      if (pinned) {
        const peer = socket.getPeerCertificate(false);
        const pin = peer?.raw ? spkiPin(peer.raw) : null;
        if (pin === null || !link.pins.includes(pin)) return finish({ ok: false, message: 'the server is not the one in the link (pin mismatch); nothing was sent' });
      }
      socket.write(requestHead(link, o.target, o.userAgent));
    });
    socket.on('data', (d: Buffer) => {
      if (size >= MAX_ANSWER) return;
      chunks.push(d);
      size += d.length;
    });
    socket.on('close', () => {
      const answer = parseAnswer(Buffer.concat(chunks).subarray(0, MAX_ANSWER));
      finish(answer === null ? { ok: false, message: 'the server closed the connection without an HTTP answer' } : { ok: true, ...answer });
    });
  });
}
