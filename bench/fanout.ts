// Fan-out benchmark: icegate's relay core against Icecast 2 under the same load, one 128 kbit/s
// MP3 mount and N listeners on 127.0.0.1, each server in its own process.
//
//   npm run bench -- --listeners 50,200,1000,2000 [--repeats 3,3,1,1] [--window 20] [--connect-ms 3000]
//                    [--servers icegate,icecast] [--cpu-prof DIR]
//
// Progress goes to stderr, the markdown tables to stdout.
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runOnce, type RunResult } from './run-once.ts';
import { findIcecast, startIcecast, startIcegate, type BenchServer, type ServerKind } from './servers.ts';
import { ratioTable, resultsTable, type Configuration } from './report.ts';

/** Room above N for the source, the liveness probe and admin requests. */
const CLIENT_HEADROOM = 10;
const RUN_ATTEMPTS = 2;

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: '1000' },
    repeats: { type: 'string', default: '3' },
    window: { type: 'string', default: '20' },
    'connect-ms': { type: 'string', default: '3000' },
    servers: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});

function positiveList(text: string, what: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`--${what} must be positive integers separated by commas, got "${text}"`);
  }
  return list;
}

const counts = positiveList(values.listeners, 'listeners');
const repeatList = positiveList(values.repeats, 'repeats');
if (repeatList.length !== 1 && repeatList.length !== counts.length) throw new Error('--repeats: one number, or one per --listeners count');
/** Repeats per listener count (one number for all, or one each: the large sizes once, at the end). */
const repeatsOf = (i: number): number => repeatList[repeatList.length === 1 ? 0 : i]!;
const [windowSec] = positiveList(values.window, 'window') as [number];
const [connectMs] = positiveList(values['connect-ms'], 'connect-ms') as [number];
const icecastBinary = findIcecast();
const servers = (values.servers ?? (icecastBinary ? 'icegate,icecast' : 'icegate')).split(',') as ServerKind[];
for (const s of servers) {
  if (s !== 'icegate' && s !== 'icecast') throw new Error(`--servers: unknown server "${s}"`);
  if (s === 'icecast' && !icecastBinary) throw new Error('--servers icecast: no icecast2 binary installed');
}
const cpuProfDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined;
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });

function start(kind: ServerKind, listeners: number): Promise<BenchServer> {
  const clients = listeners + CLIENT_HEADROOM;
  if (kind === 'icecast') return startIcecast({ clients, binary: icecastBinary! });
  return startIcegate(cpuProfDir ? { clients, cpuProfDir } : { clients });
}

/** One run on a fresh server; a run that fails (a port taken meanwhile, a source that never came up) is tried once more. */
async function measure(server: ServerKind, listeners: number, rep: number, repeats: number): Promise<RunResult> {
  for (let attempt = 1; ; attempt++) {
    let s: BenchServer | null = null;
    try {
      s = await start(server, listeners);
      const r = await runOnce(s, { listeners, windowMs: windowSec * 1000, connectMs });
      process.stderr.write(`${server} ${listeners} listeners, run ${rep}/${repeats}: ${JSON.stringify(r)}\n`);
      return r;
    } catch (err) {
      if (attempt >= RUN_ATTEMPTS) throw err;
      process.stderr.write(`${server} ${listeners} listeners, run ${rep}/${repeats} failed, trying again: ${(err as Error).message}\n`);
    } finally {
      await s?.stop();
    }
  }
}

const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(' ');
const configs: Configuration[] = [];
for (const [i, listeners] of counts.entries()) {
  const repeats = repeatsOf(i);
  for (const server of servers) configs.push({ server, listeners, runs: [] });
  // Interleave the servers run by run, so a noisy neighbour disturbs both alike.
  for (let rep = 1; rep <= repeats; rep++) {
    for (const server of servers) {
      const config = configs.find((c) => c.server === server && c.listeners === listeners)!;
      config.runs.push(await measure(server, listeners, rep, repeats));
    }
  }
}

const loadAtEnd = loadavg().map((l) => l.toFixed(2)).join(' ');
const lines = [
  `Fan-out, one 128 kbit/s MP3 mount, ${windowSec} s window, listeners connected within ${connectMs} ms, median of the runs column; load average (1, 5, 15 min) at the start ${loadAtStart}, at the end ${loadAtEnd}.`,
  '',
  resultsTable(configs),
];
const ratios = ratioTable(configs);
if (ratios) lines.push('', ratios);
process.stdout.write(lines.join('\n') + '\n');
