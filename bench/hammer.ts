// The credential hammer: wrong passwords on a source port and an admin port, from many loopback
// addresses (127.0.0.2 …; Linux routes all of 127/8 to lo without setup), each attempt on a new
// connection (and a full TLS handshake where the port is TLS), `--concurrency` attempts in flight
// per port. Measures the time from connect() to the refusal's status line. Runs `--seconds`,
// prints one JSON line {"source":…,"admin":…} and exits.
import net from 'node:net';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { percentile } from './stats.ts';

const { values } = parseArgs({
  options: {
    'source-port': { type: 'string' },
    'source-tls': { type: 'boolean', default: false },
    'admin-port': { type: 'string' },
    'admin-tls': { type: 'boolean', default: false },
    mount: { type: 'string', default: '/bench.mp3' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    addresses: { type: 'string', default: '200' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const addresses = Math.min(250, Number(values.addresses));
/** An attempt with no status line by then counts as an error. */
const ATTEMPT_TIMEOUT_MS = 10000;

export interface PortResult {
  attempts: number;
  /** Final status → count; 0 = closed or failed without a status line. */
  statuses: Record<string, number>;
  /** Refusals (401, 403, 429) per second of the run. */
  refusalsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

const basic = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64');

/** ffmpeg's PUT (docs/icecast-compatibility.md#source-clients) and an admin request, each with a fresh wrong password. */
const REQUESTS = {
  source: (i: number): string =>
    `PUT ${values.mount} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic ${basic('source', `wrong-${i}`)}\r\nContent-Type: audio/mpeg\r\nIce-Public: 0\r\nExpect: 100-continue\r\n\r\n`,
  admin: (i: number): string => `GET /admin/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic ${basic('admin', `wrong-${i}`)}\r\nConnection: close\r\n\r\n`,
};

let counter = 0;

/** One attempt: the final status (1xx skipped) and how long it took, or status 0. */
function attempt(port: number, secure: boolean, request: string, address: string): Promise<{ status: number; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const options = { port, host: '127.0.0.1', localAddress: address };
    const s = secure ? tls.connect({ ...options, rejectUnauthorized: false }) : net.connect(options);
    let text = '';
    let settled = false;
    const finish = (status: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ status, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish(0), ATTEMPT_TIMEOUT_MS);
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (const m of text.matchAll(/^(?:HTTP\/1\.[01]|ICE\/1\.0) (\d{3})[^\r\n]*\r\n/gm)) {
        const status = Number(m[1]);
        if (status >= 200) return finish(status);
      }
    });
    s.on('error', () => finish(0));
    s.on('close', () => finish(0));
    s.write(request);
  });
}

async function hammer(port: number, secure: boolean, request: (i: number) => string, until: number): Promise<PortResult> {
  const statuses: Record<string, number> = {};
  const refusalMs: number[] = [];
  let attempts = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const i = counter++;
      const { status, ms } = await attempt(port, secure, request(i), `127.0.0.${2 + (i % addresses)}`);
      attempts++;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 401 || status === 403 || status === 429) refusalMs.push(ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { attempts, statuses, refusalsPerSec: refusalMs.length / elapsed, p50Ms: percentile(refusalMs, 50), p99Ms: percentile(refusalMs, 99) };
}

const until = performance.now() + seconds * 1000;
const [source, admin] = await Promise.all([
  hammer(Number(values['source-port']), values['source-tls'], REQUESTS.source, until),
  hammer(Number(values['admin-port']), values['admin-tls'], REQUESTS.admin, until),
]);
process.stdout.write(JSON.stringify({ source, admin }) + '\n');
