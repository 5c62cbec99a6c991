// Host metrics from a proc(5) directory of the test's own: figures, rates between samples, and
// sampling only while someone watches.
import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostMetrics, readCpu, readMemory, readNetwork } from '../../supervisor/host-metrics.ts';
import { descendantsOf } from '../../supervisor/proc-usage.ts';

async function fakeProc(): Promise<{ dir: string; put: (cpu: string, rx: number, tx: number) => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-hostproc-'));
  await mkdir(join(dir, 'net'));
  await mkdir(join(dir, 'self'));
  await writeFile(join(dir, 'self', 'mounts'), `/dev/root / ext4 rw 0 0\ntmpfs ${tmpdir()} tmpfs rw 0 0\n`);
  await writeFile(join(dir, 'meminfo'), 'MemTotal:        1000000 kB\nMemFree:          200000 kB\nMemAvailable:     600000 kB\n');
  const put = async (cpu: string, rx: number, tx: number): Promise<void> => {
    await writeFile(join(dir, 'stat'), `cpu  ${cpu}\ncpu0 ${cpu}\nintr 1\n`);
    await writeFile(
      join(dir, 'net', 'dev'),
      `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 999999 1 0 0 0 0 0 0 999999 1 0 0 0 0 0 0
  eth0: ${rx} 10 0 0 0 0 0 0 ${tx} 10 0 0 0 0 0 0
`,
    );
  };
  await put('100 0 100 800 0 0 0 0 0 0', 1000, 500);
  return { dir, put };
}

test('the readers: CPU jiffies, memory used as total - available, network without loopback', async (t) => {
  const { dir } = await fakeProc();
  try {
    t.deepEqual(readCpu(dir), { cpuTotal: 1000, cpuIdle: 800 });
    t.deepEqual(readMemory(dir), { totalBytes: 1000000 * 1024, usedBytes: 400000 * 1024 });
    t.deepEqual(readNetwork(dir), { rx: 1000, tx: 500 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rates are between samples; nothing is sampled until watched, and only while watched', async (t) => {
  const { dir, put } = await fakeProc();
  let now = 0;
  let samples = 0;
  const host = new HostMetrics(tmpdir(), () => samples++, { procDir: dir, now: () => now, intervalMs: 60_000 });
  try {
    t.is(host.view, null);
    await host.start(); // one sample for a one-shot snapshot
    t.is(samples, 1);
    t.is(host.view!.cpuPercent, 20); // since boot: 200 busy of 1000
    const unwatchA = host.watch();
    const unwatchB = host.watch();
    t.is(host.watchers, 2);
    t.is(samples, 2); // the first watcher samples at once, the second does not
    await put('150 0 150 900 0 0 0 0 0 0', 3000, 1500); // +100 busy, +100 idle
    now = 2000;
    host.sample();
    t.is(host.view!.cpuPercent, 50);
    t.deepEqual(host.view!.network, { rxBytesPerSecond: 1000, txBytesPerSecond: 500 });
    t.is(host.view!.memory.usedBytes, 400000 * 1024);
    t.truthy(host.view!.disk);
    unwatchA();
    unwatchA(); // twice is once
    t.is(host.watchers, 1);
    unwatchB();
    t.is(host.watchers, 0);
  } finally {
    host.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('descendantsOf follows the children files down from the leaders; null where the kernel has none', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-children-'));
  try {
    const task = async (pid: number, tid: number, children: number[] | null): Promise<void> => {
      await mkdir(join(dir, String(pid), 'task', String(tid)), { recursive: true });
      if (children) await writeFile(join(dir, String(pid), 'task', String(tid), 'children'), children.length ? `${children.join(' ')} ` : '');
    };
    await task(10, 10, [11]);
    await task(10, 12, [13]); // a child forked by another thread
    await task(11, 11, []);
    await task(13, 13, [14]);
    await task(14, 14, []);
    await task(20, 20, [21]); // not ours
    t.deepEqual(descendantsOf([10], dir)?.sort(), [10, 11, 13, 14]);
    const bare = await mkdtemp(join(tmpdir(), 'icegate-nochildren-'));
    await mkdir(join(bare, '10', 'task', '10'), { recursive: true });
    t.is(descendantsOf([10], bare), null);
    await rm(bare, { recursive: true, force: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
