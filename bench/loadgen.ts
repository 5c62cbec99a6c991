// The load generator: N raw-socket listeners of one mount, in one lean process (on a small
// machine it competes with the server for CPU). It paces the connections over --connect-ms,
// counts body bytes per listener and notes when each has received its first 64 KiB.
// Protocol: prints {"event":"connected",…} once every listener has an answer (or failed), then
// waits for "report" on stdin, prints {"event":"report",…} and exits. "mark" on stdin starts a
// span over which each listener's byte rate is reported ({"event":"marked"} acknowledges it).
// With --tls every listener makes its own full TLS handshake (no session reuse), as players do.
import net from 'node:net';
import tls from 'node:tls';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { median, percentile } from './stats.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    path: { type: 'string', default: '/bench.mp3' },
    listeners: { type: 'string' },
    'connect-ms': { type: 'string', default: '3000' },
    burst: { type: 'string', default: '65536' },
    rate: { type: 'string', default: '16000' },
    tls: { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
const n = Number(values.listeners);
const connectMs = Number(values['connect-ms']);
const burst = Number(values.burst);
const rate = Number(values.rate);
const FIRST_BYTES = 64 * 1024;
const CONNECT_TIMEOUT_MS = 20000;
const request = Buffer.from(`GET ${values.path} HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: icegate-bench/1.0\r\n\r\n`);

const sockets: net.Socket[] = [];
const startedAt = new Float64Array(n);
const bodyBytes = new Float64Array(n);
const firstBytesMs = new Float64Array(n).fill(NaN);
/** 0 waiting for a head, the HTTP status once answered, -1 failed before a head. */
const status = new Int16Array(n);
const closedAt = new Float64Array(n);
/** Body bytes of each listener when "mark" arrived. */
const markedBytes = new Float64Array(n);
let markedAt = 0;
let answered = 0;
let firstStart = 0;
let lastAnswer = 0;

function answer(i: number, code: number): void {
  if (status[i] !== 0) return;
  status[i] = code;
  answered++;
  lastAnswer = performance.now();
  if (answered === n) connected();
}

function open(i: number): void {
  const socket = values.tls ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }) : net.connect({ port, host: '127.0.0.1' });
  sockets[i] = socket;
  startedAt[i] = performance.now();
  let head: Buffer | null = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    if (head !== null) {
      head = head.length === 0 ? d : Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      answer(i, Number(/^\S+ (\d{3})/.exec(head.toString('latin1', 0, 32))?.[1] ?? 999));
      d = head.subarray(end + 4);
      head = null;
    }
    const got = bodyBytes[i]! + d.length;
    bodyBytes[i] = got;
    if (got >= FIRST_BYTES && Number.isNaN(firstBytesMs[i])) firstBytesMs[i] = performance.now() - startedAt[i]!;
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closedAt[i] = performance.now();
    answer(i, -1);
  });
  socket.write(request);
}

let announced = false;
function connected(): void {
  if (announced) return;
  announced = true;
  clearTimeout(giveUp);
  const ok = countStatus((s) => s === 200);
  emit({ event: 'connected', ok, failed: n - ok, spanMs: lastAnswer - firstStart });
}
const giveUp = setTimeout(connected, connectMs + CONNECT_TIMEOUT_MS);

function countStatus(pred: (s: number) => boolean): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (pred(status[i]!)) c++;
  return c;
}

function report(): void {
  const now = performance.now();
  let served = 0;
  let starved = 0;
  let dropped = 0;
  let total = 0;
  const firstMs: number[] = [];
  for (let i = 0; i < n; i++) {
    if (status[i] !== 200) continue;
    served++;
    total += bodyBytes[i]!;
    if (closedAt[i]! > 0) dropped++;
    const expected = burst + (rate * (now - startedAt[i]!)) / 1000;
    if (closedAt[i]! > 0 || bodyBytes[i]! < 0.9 * expected) starved++;
    // A listener that never got 64 KiB counts as the whole time it waited.
    firstMs.push(Number.isNaN(firstBytesMs[i]) ? now - startedAt[i]! : firstBytesMs[i]!);
  }
  const unanswered = countStatus((s) => s === 0);
  // Bytes per second of each served listener since "mark"; one cut off meanwhile counts as 0.
  const rates: number[] = [];
  if (markedAt > 0) {
    for (let i = 0; i < n; i++) {
      if (status[i] !== 200) continue;
      rates.push(closedAt[i]! > 0 ? 0 : ((bodyBytes[i]! - markedBytes[i]!) * 1000) / (now - markedAt));
    }
  }
  emit({
    event: 'report',
    served,
    unanswered,
    refused: n - served - unanswered,
    dropped,
    starved,
    bytes: total,
    firstBytesMedianMs: median(firstMs),
    firstBytesP95Ms: percentile(firstMs, 95),
    ...(markedAt > 0 && { markedRateMin: Math.min(...rates), markedRateP1: percentile(rates, 1), markedRateMedian: median(rates) }),
  });
  for (const s of sockets) s.destroy();
  process.exit(0);
}

function emit(o: object): void {
  process.stdout.write(JSON.stringify(o) + '\n');
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'report') report();
  if (line.trim() === 'mark') {
    markedBytes.set(bodyBytes);
    markedAt = performance.now();
    emit({ event: 'marked' });
  }
});

// Pace the connections over connectMs: every 10 ms a batch of ceil(N / (connectMs / 10)). For
// small N the batches run out early (50 listeners take 0.5 s); 1000 take 2.5 s, 5000 take 2.95 s.
const batches = Math.max(1, Math.floor(connectMs / 10));
const perBatch = Math.ceil(n / batches);
let next = 0;
firstStart = performance.now();
const pacer = setInterval(() => {
  for (let k = 0; k < perBatch && next < n; k++) open(next++);
  if (next >= n) clearInterval(pacer);
}, 10);
