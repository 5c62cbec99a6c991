// One source connection to an Icecast-compatible server over TLS: handshake, pin check, the
// source request, the server's answer. The pin is checked in the secureConnect callback before
// a single byte is written: with rejectUnauthorized false Node never calls checkServerIdentity
// for a certificate that fails verification (a self-signed one), so a check placed there would
// not run. No TLS session is reused, so every connection shows its certificate afresh.
//
// The request is Icecast's PUT (docs/push.md): Basic credentials, the content type, ice-*
// headers, `Expect: 100-continue`, then an endless body with neither Content-Length nor chunked
// framing. The server answers `100 Continue` and then `200 OK`, or an error status.
import tls from 'node:tls';
import { isIP } from 'node:net';
import type { SourceLink } from '../contracts/source-link.ts';
import { spkiPin } from './pin.ts';

export type Refusal = 'pin' | 'auth' | 'refused' | 'certificate';

export type ConnectResult =
  | { ok: true; socket: tls.TLSSocket }
  | { ok: false; refusal: Refusal | null; message: string; status?: number };

export interface ConnectOptions {
  link: SourceLink;
  contentType: string;
  /** Extra request headers, e.g. ice-name, ice-audio-info. */
  headers?: Record<string, string>;
  userAgent: string;
  /** Handshake and answer must arrive within this (default 10 s). */
  timeoutMs?: number;
  /** Trusted CAs when the link has no pin (default: Node's bundled roots). */
  ca?: string | Buffer;
}

const MAX_HEAD = 8192;

export function connectSource(o: ConnectOptions): Promise<ConnectResult> {
  const { link } = o;
  const pinned = link.pins.length > 0;
  return new Promise((resolve) => {
    let settled = false;
    const socket = tls.connect({
      host: link.host,
      port: link.port,
      servername: isIP(link.host) === 0 ? link.host : undefined,
      rejectUnauthorized: !pinned,
      ca: o.ca,
    });
    const finish = (result: ConnectResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, refusal: null, message: `no answer from ${link.host}:${link.port} within ${(o.timeoutMs ?? 10_000) / 1000} s` }), o.timeoutMs ?? 10_000);
    // Set once an error status arrived: its body may follow, or the server may close at once.
    let answered: (() => ConnectResult) | null = null;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 5000);
    socket.on('error', (error: NodeJS.ErrnoException) => finish(answered?.() ?? networkFailure(error, link, pinned)));
    socket.on('close', () => finish(answered?.() ?? { ok: false, refusal: null, message: `${link.host}:${link.port} closed the connection before answering` }));
    socket.once('secureConnect', () => {
      if (pinned) {
        const peer = socket.getPeerCertificate(false);
        const pin = peer?.raw ? spkiPin(peer.raw) : null;
        if (pin === null || !link.pins.includes(pin)) {
          finish({
            ok: false,
            refusal: 'pin',
            message: `the server at ${link.host}:${link.port} is not the one in the link: its certificate's key has pin-sha256 ${pin ?? '(none)'}, the link expects ${link.pins.join(' or ')}. Nothing was sent. If the server's key changed on purpose, get a new link with "icegate source-link" on the server.`,
          });
          return;
        }
      }
      socket.write(requestHead(o));
    });
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (answered !== null) return;
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffered.length > MAX_HEAD) finish({ ok: false, refusal: null, message: 'the server sent an oversized answer' });
          return;
        }
        const head = buffered.subarray(0, end).toString('latin1');
        const rest = buffered.subarray(end + 4);
        const status = /^(?:HTTP\/\d\.\d|ICE\/1\.0) (\d{3})\s*(.*)$/.exec(head.split('\r\n')[0] ?? '');
        if (status === null) return finish({ ok: false, refusal: null, message: `the server's answer is not HTTP: ${JSON.stringify(head.slice(0, 80))}` });
        const code = Number(status[1]);
        if (code === 100) {
          buffered = rest;
          continue;
        }
        if (code >= 200 && code < 300) return finish({ ok: true, socket });
        // Icecast puts the reason in the status line and in a short body; wait briefly for it.
        answered = () => refused(code, status[2] ?? '', bodyText(buffered.subarray(end + 4)), link);
        setTimeout(() => finish(answered!()), 100);
        return;
      }
    };
    socket.on('data', onData);
  });
}

function requestHead(o: ConnectOptions): string {
  const { link } = o;
  const host = link.host.includes(':') ? `[${link.host}]` : link.host;
  const lines = [
    `PUT ${link.mount} HTTP/1.1`,
    `Host: ${host}:${link.port}`,
    `Authorization: Basic ${Buffer.from(`${link.user}:${link.password}`).toString('base64')}`,
    `User-Agent: ${o.userAgent}`,
    `Content-Type: ${o.contentType}`,
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, ' ')}`),
    'Expect: 100-continue',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function bodyText(body: Buffer): string {
  const text = body.toString('utf8').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.slice(0, 200);
}

function refused(code: number, reasonPhrase: string, body: string, link: SourceLink): ConnectResult {
  const reason = [reasonPhrase.trim(), body].filter((s, i, all) => s !== '' && all.indexOf(s) === i).join(': ') || `status ${code}`;
  if (code === 401) {
    return {
      ok: false,
      refusal: 'auth',
      status: code,
      message: `the server refused the credentials (401 ${reason}): the source password for user "${link.user}" on ${link.mount} is wrong, or that user may not push to this mount. Get a fresh link with "icegate source-link --mount ${link.mount}" on the server.`,
    };
  }
  if (code >= 500) return { ok: false, refusal: null, status: code, message: `the server failed (${code} ${reason})` };
  return { ok: false, refusal: 'refused', status: code, message: `the server refused the stream: ${code} ${reason}` };
}

function networkFailure(error: NodeJS.ErrnoException, link: SourceLink, pinned: boolean): ConnectResult {
  const code = error.code ?? '';
  if (!pinned && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME/.test(code)) {
    return {
      ok: false,
      refusal: 'certificate',
      message: `the certificate of ${link.host} is not trusted (${code}) and the link has no pin: use the link "icegate source-link" prints on the server, which pins the server's key`,
    };
  }
  return { ok: false, refusal: null, message: `${link.host}:${link.port}: ${error.message}` };
}
