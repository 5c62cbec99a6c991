// TLS fan-out benchmark: the whole icegate stack (gateway TLS listener port → edge → relay core,
// two processes) against nginx terminating TLS in front of Icecast 2, one 128 kbit/s MP3 mount and
// N TLS listeners, both stacks in the same run, alternating. After each measured window a second
// client hammers the source and admin ports with wrong passwords from many loopback addresses
// while the listeners keep streaming (bench/hammer.ts).
//
//   npm run bench:tls -- --listeners 50,200,1000,2000 [--repeats 3,3,1,1] [--seconds 20] [--connect-ms 3000]
//                        [--hammer-seconds 10] [--hammer-concurrency 8] [--stacks icegate,nginx+icecast]
//
// The icegate stack runs from the built dist/ (npm run build first), as production runs it.
// Progress goes to stderr, the markdown tables to stdout.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { hammerTable, type HammerRun } from './hammer-report.ts';
import type { PortResult } from './hammer.ts';
import { ratioTable, resultsTable, type Configuration } from './report.ts';
import { MOUNT, RATE, runOnce, type RunResult } from './run-once.ts';
import { sampleProcesses } from './proc.ts';
import { findIcecast, nodeScript } from './servers.ts';
import { NGINX, startIcegateStack, startNginxStack, writeCertificate, type TlsStack } from './tls-stacks.ts';

/** Room above N for the source, the warm listener and probes. */
const CLIENT_HEADROOM = 10;
const RUN_ATTEMPTS = 2;
const STACKS = ['icegate', 'nginx+icecast'] as const;
type Stack = (typeof STACKS)[number];

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: '1000' },
    repeats: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '20' },
    'connect-ms': { type: 'string', default: '3000' },
    'hammer-seconds': { type: 'string', default: '10' },
    'hammer-concurrency': { type: 'string', default: '8' },
    stacks: { type: 'string', default: STACKS.join(',') },
  },
});

/** Bad options: say which and stop before anything is started. */
function usage(message: string): never {
  process.stderr.write(`bench:tls: ${message}\n`);
  process.exit(2);
}

function numbers(text: string, what: string, min: number): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < min)) {
    usage(`--${what} must be integers ≥ ${min} separated by commas, got "${text}"`);
  }
  return list;
}

const counts = numbers(values.listeners, 'listeners', 1);
const repeatList = numbers(values.repeats, 'repeats', 1);
if (repeatList.length !== 1 && repeatList.length !== counts.length) usage('--repeats: one number, or one per --listeners count');
/** Repeats per listener count (one number for all, or one each: the large sizes once, at the end). */
const repeatsOf = (i: number): number => repeatList[repeatList.length === 1 ? 0 : i]!;
const [windowSec] = numbers(values.seconds, 'seconds', 1) as [number];
const [connectMs] = numbers(values['connect-ms'], 'connect-ms', 1) as [number];
const [hammerSec] = numbers(values['hammer-seconds'], 'hammer-seconds', 0) as [number];
const [hammerConcurrency] = numbers(values['hammer-concurrency'], 'hammer-concurrency', 1) as [number];
const stacks = values.stacks.split(',') as Stack[];
const icecast = findIcecast();
for (const s of stacks) {
  if (!STACKS.includes(s)) usage(`--stacks: unknown stack "${s}" (known: ${STACKS.join(', ')})`);
}
if (stacks.includes('nginx+icecast') && (!icecast || !existsSync(NGINX))) {
  usage('--stacks nginx+icecast needs the Debian packages nginx and icecast2');
}

const cert = writeCertificate();
process.once('exit', () => rmSync(cert.dir, { recursive: true, force: true }));

function start(stack: Stack, listeners: number): Promise<TlsStack> {
  // Icecast counts every connection against <clients>, a login attempt too: without room for the
  // hammer's connections it would answer them "connection limit reached", not check a password.
  const clients = listeners + CLIENT_HEADROOM + 2 * hammerConcurrency;
  if (stack === 'icegate') return startIcegateStack({ clients, cert });
  return startNginxStack({ clients, listeners, cert, icecast: icecast! });
}

interface Hammered {
  source: PortResult;
  admin: PortResult;
  /** The stack's CPU time over the hammer span, ms, and the span, s. */
  cpuMs: number;
  spanSec: number;
}

/** The hammer as its own process (its CPU must not count as a stack's), against `s`'s ports. */
async function hammer(s: TlsStack): Promise<Hammered> {
  const pids = s.pids!();
  const before = sampleProcesses(pids);
  const result = await runHammer(s);
  const after = sampleProcesses(pids);
  return { ...result, cpuMs: after.cpuMs - before.cpuMs, spanSec: (after.at - before.at) / 1000 };
}

function runHammer(s: TlsStack): Promise<{ source: PortResult; admin: PortResult }> {
  const args = ['--source-port', String(s.sourcePort.port), '--admin-port', String(s.adminPort.port), '--mount', MOUNT];
  args.push('--seconds', String(hammerSec), '--concurrency', String(hammerConcurrency));
  if (s.sourcePort.tls) args.push('--source-tls');
  if (s.adminPort.tls) args.push('--admin-tls');
  const [cmd, argv] = nodeScript('hammer.ts', args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as { source: PortResult; admin: PortResult }));
    child.once('exit', (code) => reject(new Error(`the hammer exited with ${String(code)}`)));
  });
}

const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(' ');
const configs: Configuration[] = [];
const hammered: HammerRun[] = [];

async function measure(stack: Stack, listeners: number, rep: number, repeats: number): Promise<RunResult> {
  for (let attempt = 1; ; attempt++) {
    let s: TlsStack | null = null;
    try {
      s = await start(stack, listeners);
      const running = s;
      const under = hammerSec > 0 ? () => hammer(running) : undefined;
      const r = await runOnce(s, { listeners, windowMs: windowSec * 1000, connectMs, ...(under && { under }) });
      const { under: hammerResult, ...result } = r;
      process.stderr.write(`${stack} ${listeners} TLS listeners, run ${rep}/${repeats}: ${JSON.stringify(r)}\n`);
      if (hammerResult) {
        const h = hammerResult.result;
        // What the attempts cost the stack: its CPU over the span less what streaming costs it (the window's rate).
        const streamingMs = result.cpuMsPerListenerSec * result.served * h.spanSec;
        const cpuMsPerAttempt = (h.cpuMs - streamingMs) / (h.source.attempts + h.admin.attempts);
        hammered.push({ stack, listeners, source: h.source, admin: h.admin, cpuMsPerAttempt, rates: hammerResult.rates, dropped: result.starved });
      }
      return result;
    } catch (err) {
      if (attempt >= RUN_ATTEMPTS) throw err;
      process.stderr.write(`${stack} ${listeners} listeners, run ${rep}/${repeats} failed, trying again: ${(err as Error).message}\n`);
    } finally {
      await s?.stop();
    }
  }
}

for (const [i, listeners] of counts.entries()) {
  const repeats = repeatsOf(i);
  for (const stack of stacks) configs.push({ server: stack, listeners, runs: [] });
  // Interleave the stacks run by run, so a noisy neighbour disturbs both alike.
  for (let rep = 1; rep <= repeats; rep++) {
    for (const stack of stacks) {
      configs.find((c) => c.server === stack && c.listeners === listeners)!.runs.push(await measure(stack, listeners, rep, repeats));
    }
  }
}

const loadAtEnd = loadavg().map((l) => l.toFixed(2)).join(' ');
const lines = [
  `TLS fan-out, one 128 kbit/s MP3 mount, ${windowSec} s window, TLS listeners connected within ${connectMs} ms, median of the runs column; load average (1, 5, 15 min) at the start ${loadAtStart}, at the end ${loadAtEnd}; every process of each stack summed.`,
  '',
  resultsTable(configs),
];
const ratios = ratioTable(configs, 'icegate', 'nginx+icecast');
if (ratios) lines.push('', ratios);
if (hammered.length > 0) {
  lines.push('', `Wrong passwords for ${hammerSec} s, ${hammerConcurrency} attempts in flight per port, each on a new connection from one of 200 loopback addresses, while the listeners stream:`, '');
  lines.push(hammerTable(hammered, RATE));
}
process.stdout.write(lines.join('\n') + '\n');
