// Where a TLS listener's memory goes in the icegate stack: the relay core and the gateway run in
// this process (so it can collect garbage and take heap snapshots), an ffmpeg source feeds the
// relay, and N TLS listeners connect to the gateway's listener port from a separate load
// generator (bench/loadgen.ts). Before and after they connect: process.memoryUsage() after a full
// GC, and the V8 heap by constructor from heap snapshots, each difference per listener.
//
//   node --expose-gc --import tsx bench/tls-memory.ts [--listeners 500] [--no-snapshot] [--plain]
//
// The markdown tables go to stdout. RSS less the V8 heap and Buffers is native memory: OpenSSL's
// per-connection state and buffers, libuv handles, malloc's free lists.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { configSchema } from '../config/schema.ts';
import { startGateway } from '../gateway/start.ts';
import { startRelay } from '../relay/start.ts';
import { startSource, stopProcess } from '../test/helpers/ffmpeg.ts';
import { MOUNT, mountLive, sleep } from './run-once.ts';
import { BENCH_SECRETS, nodeScript, stopChild } from './servers.ts';
import { writeCertificate } from './tls-stacks.ts';

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: '500' },
    // Heap snapshots cost the process tens of MB it keeps: RSS figures only without them.
    'no-snapshot': { type: 'boolean', default: false },
    // The plain listener port instead, to tell TLS's share from the rest.
    plain: { type: 'boolean', default: false },
  },
});
const port = (): number => (values.plain ? gateway.ports().listener : gateway.ports().listenerTls);
const tlsArgs = values.plain ? [] : ['--tls'];
const n = Number(values.listeners);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

/** Self size by "type:name" over the whole heap (the snapshot format: v8's HeapSnapshotJSONSerializer). */
function heapByConstructor(file: string): Map<string, { size: number; count: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const types = snap.snapshot.meta.node_types[0];
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const name = type === 'object' || type === 'native' || type === 'closure' ? snap.strings[snap.nodes[i + nameAt]!]! : `(${type})`;
    const key = `${type}: ${name.slice(0, 60)}`;
    const e = out.get(key) ?? { size: 0, count: 0 };
    e.size += snap.nodes[i + sizeAt]!;
    e.count++;
    out.set(key, e);
  }
  return out;
}

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage();
}

const dir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-tls-memory-'));
const cert = writeCertificate();
const limits = { clients: n + 10, queueSize: 524288, burstSize: 65536 };
const relay = await startRelay({ config: configSchema.parse({ relay: { limits } }).relay, secrets: BENCH_SECRETS, host: '127.0.0.1', port: 0 });
const gateway = await startGateway({
  config: configSchema.parse({
    stateDir: dir,
    relay: { limits },
    gateway: {
      upstream: `http://127.0.0.1:${relay.port()}`,
      tls: { cert: cert.cert, key: cert.key },
      limits: { connectionsPerMinute: null, streamsPerAddress: null, connectionsPerAddress: null },
    },
  }),
  host: '127.0.0.1',
  ports: { listener: 0, listenerTls: 0, source: 0, sourcePlain: null, admin: 0 },
});
const source = startSource({ port: relay.port(), mount: MOUNT, codec: 'mp3', password: BENCH_SECRETS.sourcePassword, noise: true });
try {
  await mountLive(relay.port());
  // One listener first, so the edge's pull and its mount exist before the baseline.
  const [cmd0, argv0] = nodeScript('loadgen.ts', ['--port', String(port()), '--path', MOUNT, '--listeners', '1', ...tlsArgs]);
  const warm = spawn(cmd0, argv0, { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(createInterface({ input: warm.stdout! }), 'line');
  await sleep(8000);
  const before = settle();
  const snapDir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-heap-'));
  const snap0 = values['no-snapshot'] ? null : v8.writeHeapSnapshot(path.join(snapDir, 'before.heapsnapshot'));
  const [cmd, argv] = nodeScript('loadgen.ts', ['--port', String(port()), '--path', MOUNT, '--listeners', String(n), '--connect-ms', '3000', ...tlsArgs]);
  const lg = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: lg.stdout! }), 'line')) as [string];
  const ok = Number((JSON.parse(line) as { ok: number }).ok);
  await sleep(8000);
  const after = settle();
  const snap1 = values['no-snapshot'] ? null : v8.writeHeapSnapshot(path.join(snapDir, 'after.heapsnapshot'));
  const kib = (a: number, b: number): string => ((b - a) / 1024 / ok).toFixed(2);
  const rows = (['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'] as const).map((k) => `| ${k} | ${kib(before[k], after[k])} |`);
  const native = (m: NodeJS.MemoryUsage): number => m.rss - m.heapTotal - m.external;
  rows.push(`| rss − heapTotal − external (native) | ${kib(native(before), native(after))} |`);
  const out = [`${ok} ${values.plain ? 'plain' : 'TLS'} listeners on the gateway's listener port (relay and gateway in one process), KiB per listener after a full GC:`, '', '| memory | KiB / listener |', '| --- | ---: |', ...rows];
  if (snap0 && snap1) {
    const a = heapByConstructor(snap0);
    const b = heapByConstructor(snap1);
    const diff = [...b.entries()]
      .map(([k, v]) => ({ k, size: v.size - (a.get(k)?.size ?? 0), count: v.count - (a.get(k)?.count ?? 0) }))
      .sort((x, y) => y.size - x.size)
      .slice(0, 20);
    out.push('', 'V8 heap growth by constructor, per listener:', '', '| type: constructor | bytes / listener | objects / listener |', '| --- | ---: | ---: |');
    for (const d of diff) out.push(`| ${d.k} | ${(d.size / ok).toFixed(0)} | ${(d.count / ok).toFixed(2)} |`);
  }
  rmSync(snapDir, { recursive: true, force: true });
  process.stdout.write(out.join('\n') + '\n');
  lg.stdin!.end('report\n');
  warm.stdin!.end('report\n');
  await Promise.all([stopChild(lg), stopChild(warm)]);
} finally {
  await stopProcess(source);
  await gateway.close();
  await relay.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(cert.dir, { recursive: true, force: true });
}
