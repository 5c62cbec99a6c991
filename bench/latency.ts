// Glass-to-ear latency in a real browser: a tone with a beep every 2 s (bench/latency-tone.ts) is
// written in real time into two ffmpeg MP3 encoders (128 kbit/s unless --kbps), one pushing to icegate's relay,
// one to Debian's icecast2 (the anchor, same beeps, same run). Headless Chromium plays each target
// in its own page (bench/latency-page.ts): an <audio> element through Web Audio to an AudioWorklet
// that timestamps each beep's first loud sample as it leaves for the speaker. Latency = that
// moment − when the beep's first sample went into the encoder.
//
//   npm run bench:latency -- [--joins 3] [--beeps 6] [--kbps 128] [--burst-seconds S | --burst-size B] [--no-icecast]
//
// Each join opens every target afresh (a new burst point); the first beep a page hears is dropped
// (it may be cut by the join); a join listens beeps × 2 s + 10 s. Progress to stderr, the markdown table to stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FFMPEG } from '../test/helpers/ffmpeg.ts';
import { latencyPage } from './latency-page.ts';
import { latencyTable, matchBeeps, type TargetResult } from './latency-match.ts';
import { PERIOD_S, SAMPLE_RATE, startTone } from './latency-tone.ts';
import { BENCH_SECRETS, findIcecast, nodeScript, startIcecast, stopChild, type BenchServer } from './servers.ts';
import { writeCertificate } from './tls-stacks.ts';

const CHROMIUM = '/usr/bin/chromium';
const MOUNT = '/latency.mp3';
/** Seconds the sources run before the first join: the queues hold more than any burst, HLS has its window. */
const WARM_UP_S = 14;
/** The longest latency waited for after the last beep of a join. */
const TAIL_S = 10;

const { values } = parseArgs({
  options: {
    joins: { type: 'string', default: '3' },
    beeps: { type: 'string', default: '6' },
    'burst-seconds': { type: 'string' },
    'burst-size': { type: 'string' },
    'no-icecast': { type: 'boolean', default: false },
    kbps: { type: 'string', default: '128' },
  },
});
const joins = Number(values.joins);
const beeps = Number(values.beeps);
const kbps = Number(values.kbps);
if (!(joins >= 1 && beeps >= 2)) throw new Error('--joins must be at least 1 and --beeps at least 2');
if (![32, 64, 96, 128, 192, 256, 320].includes(kbps)) throw new Error('--kbps must be an MP3 bitrate: 32, 64, 96, 128, 192, 256 or 320');
if (!existsSync(CHROMIUM)) throw new Error(`bench:latency needs Chromium at ${CHROMIUM} (the Debian package chromium)`);
const icecastBinary = values['no-icecast'] ? null : findIcecast();

const say = (line: string): boolean => process.stderr.write(line + '\n');
const sleep = (s: number): Promise<void> => new Promise((r) => setTimeout(r, s * 1000));

interface StackPorts {
  relay: number;
  listener: number;
  listenerTls: number;
}

async function startStack(cert: { cert: string; key: string }, stateDir: string): Promise<{ ports: StackPorts; child: ChildProcess }> {
  const args = ['--cert', cert.cert, '--key', cert.key, '--state-dir', stateDir];
  if (values['burst-seconds'] !== undefined) args.push('--burst-seconds', values['burst-seconds']);
  if (values['burst-size'] !== undefined) args.push('--burst-size', values['burst-size']);
  const [cmd, argv] = nodeScript('latency-stack.ts', args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { ports: JSON.parse(line) as StackPorts, child };
}

/** An MP3 encoder reading the tone's PCM on stdin and pushing to an Icecast-compatible port. */
function encoder(port: number): ChildProcess {
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 's16le', '-ar', String(SAMPLE_RATE), '-ac', '1', '-i', 'pipe:0'];
  args.push('-ac', '2', '-c:a', 'libmp3lame', '-b:a', `${kbps}k`, '-flush_packets', '1', '-content_type', 'audio/mpeg');
  args.push('-f', 'mp3', `icecast://source:${BENCH_SECRETS.sourcePassword}@127.0.0.1:${port}${MOUNT}`);
  return spawn(FFMPEG, args, { stdio: ['pipe', 'ignore', 'inherit'] });
}

interface Target {
  name: string;
  origin: string;
  path: string;
  hls: boolean;
}

const hlsJs = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));

interface Heard {
  heard: { at: number; ms: number }[];
  state: string;
  startMs: number;
}

/** One join of one target: a fresh browser context, the page at the target's origin (so Web Audio may read the stream). */
async function openPage(browser: Browser, t: Target): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const html = latencyPage({ src: `${t.origin}${t.path}`, hls: t.hls, hlsScript: '/__latency/hls.js' });
  await page.route(`${t.origin}/__latency/page.html`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.route(`${t.origin}/__latency/hls.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: hlsJs }));
  await page.goto(`${t.origin}/__latency/page.html`);
  return { context, page };
}

/**
 * Every target of a join at once; all pages are read before any is closed (closing a context
 * while the others still play disturbs the browser's shared audio output).
 */
async function join(browser: Browser, targets: readonly Target[], seconds: number): Promise<Heard[]> {
  const opened = await Promise.all(targets.map((t) => openPage(browser, t)));
  try {
    await sleep(seconds);
    return await Promise.all(
      opened.map(({ page }) =>
        page.evaluate(() => {
          const w = window as unknown as { __onsets: { at: number; ms: number }[]; __state: string; __startMs?: number };
          return { heard: w.__onsets, state: w.__state, startMs: w.__startMs ?? Number.NaN };
        }),
      ),
    );
  } finally {
    for (const { context } of opened) await context.close();
  }
}

const cert = writeCertificate();
const stateDir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-latency-'));
const cleanups: Array<() => Promise<void> | void> = [() => rmSync(cert.dir, { recursive: true, force: true }), () => rmSync(stateDir, { recursive: true, force: true })];
try {
  const stack = await startStack(cert, stateDir);
  cleanups.unshift(() => stopChild(stack.child));
  let icecast: BenchServer | null = null;
  if (icecastBinary) {
    icecast = await startIcecast({ clients: 50, binary: icecastBinary });
    cleanups.unshift(() => icecast!.stop());
  }
  const encoders = [encoder(stack.ports.relay), ...(icecast ? [encoder(icecast.port)] : [])];
  for (const e of encoders) {
    e.stdin!.on('error', () => {});
    cleanups.unshift(() => stopChild(e));
  }
  const tone = startTone(encoders.map((e) => e.stdin!));
  cleanups.unshift(() => tone.stop());
  say(`sources started; warming up ${WARM_UP_S} s`);
  await sleep(WARM_UP_S);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required', '--ignore-certificate-errors'],
  });
  cleanups.unshift(() => browser.close());

  const plain = (port: number): string => `http://127.0.0.1:${port}`;
  const targets: Target[] = [
    { name: 'icegate relay, plain', origin: plain(stack.ports.relay), path: MOUNT, hls: false },
    { name: 'icegate gateway, plain', origin: plain(stack.ports.listener), path: MOUNT, hls: false },
    { name: 'icegate gateway, TLS', origin: `https://127.0.0.1:${stack.ports.listenerTls}`, path: MOUNT, hls: false },
    { name: 'icegate HLS (hls.js), gateway plain', origin: plain(stack.ports.listener), path: `/hls${MOUNT}/live.m3u8`, hls: true },
    ...(icecast ? [{ name: 'icecast2, plain', origin: plain(icecast.port), path: MOUNT, hls: false }] : []),
  ];
  const results: TargetResult[] = targets.map((t) => ({ name: t.name, way: t.hls ? 'hls.js' : 'progressive', latencies: [], unmatched: 0, startMs: [] }));
  const seconds = beeps * PERIOD_S + TAIL_S;
  for (let j = 1; j <= joins; j++) {
    const heard = await join(browser, targets, seconds);
    heard.forEach((h, i) => {
      const r = results[i]!;
      if (h.heard.length === 0) r.failure = h.state;
      const m = matchBeeps(tone.emitted, h.heard.slice(1));
      r.latencies.push(...m.latencies);
      r.unmatched += m.unmatched;
      r.startMs.push(h.startMs);
      say(`join ${j}/${joins} ${r.name}: ${h.state} after ${(h.startMs / 1000).toFixed(2)} s, ${m.latencies.map((l) => (l / 1000).toFixed(2)).join(' ')} s`);
    });
  }

  const burst =
    values['burst-size'] !== undefined ? `burstSize ${values['burst-size']} bytes` : values['burst-seconds'] !== undefined ? `burstSeconds ${values['burst-seconds']}` : 'the default burst';
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  process.stdout.write(
    [
      `Glass-to-ear latency in headless Chromium, ${kbps} kbit/s MP3, icegate with ${burst}, icecast2 with burst-size 65536; ${joins} join(s) × ${beeps} beeps, first beep of each join dropped; load average ${load}.`,
      '',
      latencyTable(results, icecast ? 'icecast2, plain' : 'icegate relay, plain'),
      '',
    ].join('\n'),
  );
} finally {
  for (const c of cleanups) await c();
}
