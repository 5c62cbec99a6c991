// The TLS stacks' fixed cost: CPU and wakeups of each process with the source alone and one warm
// listener (so the gateway's edge is pulling, as nginx is connected upstream), no other listener.
// The same stacks as bench/tls.ts (bench/tls-stacks.ts), alternating run by run; each process is
// read on its own, so the gateway's share and the relay core's show apart.
//
//   node --import tsx bench/tls-idle.ts [--runs 5] [--seconds 20] [--stacks icegate,nginx+icecast]
//                                       [--gateway-node-args "--cpu-prof --cpu-prof-dir=DIR"]
//
// Context switches are the main thread's (/proc/PID/status): each is a wakeup of the event loop.
// Progress goes to stderr, the markdown table to stdout.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type net from 'node:net';
import tls from 'node:tls';
import { stopProcess } from '../test/helpers/ffmpeg.ts';
import { sampleProcess } from './proc.ts';
import { MOUNT, mountLive, sleep } from './run-once.ts';
import { findIcecast } from './servers.ts';
import { median } from './stats.ts';
import { startIcegateStack, startNginxStack, writeCertificate, type TlsStack } from './tls-stacks.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '20' },
    settle: { type: 'string', default: '10' },
    stacks: { type: 'string', default: 'icegate,nginx+icecast' },
    'gateway-node-args': { type: 'string', default: '' },
  },
});
const runs = Number(values.runs);
const windowMs = Number(values.seconds) * 1000;
const settleMs = Number(values.settle) * 1000;
const stacks = values.stacks.split(',');
const gatewayNodeArgs = values['gateway-node-args'].split(' ').filter((a) => a !== '');
const cert = writeCertificate();

interface ProcessFigures {
  cpuMsPerSec: number;
  wakeupsPerSec: number;
}

/** Voluntary + involuntary context switches of the process's main thread. */
function switches(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const n = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)$`, 'm').exec(status)?.[1] ?? NaN);
  return n('voluntary_ctxt_switches') + n('nonvoluntary_ctxt_switches');
}

/** One listener kept on the front from before the window on. */
function warmListener(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      s.off('data', onData);
      s.on('data', () => {});
      if (/^\S+ 200 /.test(head)) resolve(s);
      else reject(new Error(`the front answered ${JSON.stringify(head.slice(0, 80))}`));
    };
    s.on('data', onData);
    s.on('error', reject);
    s.write(`GET ${MOUNT} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

const names = (stack: string, s: TlsStack): string[] => (stack === 'icegate' ? ['gateway', 'relay'] : s.pids!().map((_, i, all) => (i === all.length - 1 ? 'icecast' : i === 0 ? 'nginx master' : 'nginx worker')));

async function once(stack: string): Promise<Map<string, ProcessFigures>> {
  const s = stack === 'icegate' ? await startIcegateStack({ clients: 100, cert, nodeArgs: gatewayNodeArgs }) : await startNginxStack({ clients: 100, listeners: 1, cert, icecast: findIcecast()! });
  const source = s.source!();
  let warm: net.Socket | null = null;
  try {
    await mountLive(s.port);
    warm = await warmListener(s.front.port);
    await sleep(settleMs);
    const pids = s.pids!();
    const before = pids.map((pid) => ({ ...sampleProcess(pid), switches: switches(pid) }));
    await sleep(windowMs);
    const after = pids.map((pid) => ({ ...sampleProcess(pid), switches: switches(pid) }));
    const out = new Map<string, ProcessFigures>();
    const label = names(stack, s);
    pids.forEach((_, i) => {
      const sec = (after[i]!.at - before[i]!.at) / 1000;
      const prev = out.get(label[i]!) ?? { cpuMsPerSec: 0, wakeupsPerSec: 0 };
      out.set(label[i]!, {
        cpuMsPerSec: prev.cpuMsPerSec + (after[i]!.cpuMs - before[i]!.cpuMs) / sec,
        wakeupsPerSec: prev.wakeupsPerSec + (after[i]!.switches - before[i]!.switches) / sec,
      });
    });
    out.set('whole stack', {
      cpuMsPerSec: [...out.values()].reduce((a, f) => a + f.cpuMsPerSec, 0),
      wakeupsPerSec: [...out.values()].reduce((a, f) => a + f.wakeupsPerSec, 0),
    });
    return out;
  } finally {
    warm?.destroy();
    await stopProcess(source);
    await s.stop();
  }
}

const loadStart = loadavg().map((l) => l.toFixed(2)).join(' ');
const results = new Map<string, Map<string, ProcessFigures[]>>();
for (let run = 1; run <= runs; run++) {
  for (const stack of stacks) {
    const r = await once(stack);
    process.stderr.write(`${stack} run ${run}/${runs}: ${JSON.stringify(Object.fromEntries(r))}\n`);
    const byProcess = results.get(stack) ?? new Map<string, ProcessFigures[]>();
    for (const [name, f] of r) byProcess.set(name, [...(byProcess.get(name) ?? []), f]);
    results.set(stack, byProcess);
  }
}
const loadEnd = loadavg().map((l) => l.toFixed(2)).join(' ');

const lines = [
  `Source alone (ffmpeg, 128 kbit/s MP3 over TLS) and one warm TLS listener, ${windowMs / 1000} s window after ${settleMs / 1000} s, median of ${runs} runs; load average at the start ${loadStart}, at the end ${loadEnd}.`,
  '',
  '| stack | process | CPU ms/s median | min | max | wakeups/s median |',
  '| --- | --- | ---: | ---: | ---: | ---: |',
];
for (const [stack, byProcess] of results) {
  for (const [name, list] of byProcess) {
    const cpu = list.map((f) => f.cpuMsPerSec);
    lines.push(`| ${stack} | ${name} | ${median(cpu).toFixed(1)} | ${Math.min(...cpu).toFixed(1)} | ${Math.max(...cpu).toFixed(1)} | ${median(list.map((f) => f.wakeupsPerSec)).toFixed(0)} |`);
  }
}
process.stdout.write(lines.join('\n') + '\n');
