// Per-component CPU and memory from /proc/<pid>/stat (proc(5)), summed over the process group, and
// the host metrics the supervisor samples once for every dashboard.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { HostMetrics } from '../../supervisor/host-metrics.ts';
import { GroupSampler, parseProcStat } from '../../supervisor/proc-usage.ts';

/** A stat line as proc(5) lays it out: pid (comm) state ppid pgrp … utime(14) stime(15) … rss(24). */
function statLine(pid: number, comm: string, pgrp: number, utime: number, stime: number, rssPages: number): string {
  const fields = new Array<string>(50).fill('0');
  fields[0] = String(pid);
  fields[1] = `(${comm})`;
  fields[2] = 'S';
  fields[3] = '1';
  fields[4] = String(pgrp);
  fields[13] = String(utime);
  fields[14] = String(stime);
  fields[23] = String(rssPages);
  return `${fields.join(' ')}\n`;
}

const parseRows: [string, string, ReturnType<typeof parseProcStat>][] = [
  ['plain name', statLine(42, 'node', 42, 150, 50, 1000), { pgrp: 42, cpuTicks: 200, rssPages: 1000 }],
  ['name with spaces and parentheses', statLine(7, 'my (odd) prog', 5, 1, 2, 3), { pgrp: 5, cpuTicks: 3, rssPages: 3 }],
  ['no closing parenthesis', '42 (node S 1 42', null],
  ['fields missing', '42 (node) S 1', null],
];
for (const [name, line, want] of parseRows) {
  test(`parseProcStat: ${name}`, (t) => {
    t.deepEqual(parseProcStat(line), want);
  });
}

test('GroupSampler sums a process group, ignores other groups, and turns ticks into percent of one core', async (t) => {
  const proc = await mkdtemp(join(tmpdir(), 'icegate-proc-'));
  try {
    const put = async (pid: number, line: string): Promise<void> => {
      await mkdir(join(proc, String(pid)), { recursive: true });
      await writeFile(join(proc, String(pid), 'stat'), line);
    };
    await put(100, statLine(100, 'node', 100, 100, 0, 1000));
    await put(101, statLine(101, 'ffmpeg', 100, 50, 50, 500));
    await put(200, statLine(200, 'other', 200, 9999, 0, 9999));
    await mkdir(join(proc, 'self'));
    const sampler = new GroupSampler();
    const first = sampler.sample([100], 0, proc);
    t.deepEqual(first.get(100), { cpuPercent: null, rssBytes: 1500 * 4096 });
    t.false(first.has(200));
    // 2 s later the group used 100 more ticks (1 s of CPU): 50 % of one core.
    await put(100, statLine(100, 'node', 100, 150, 0, 1000));
    await put(101, statLine(101, 'ffmpeg', 100, 50, 100, 500));
    const second = sampler.sample([100], 2000, proc);
    t.deepEqual(second.get(100), { cpuPercent: 50, rssBytes: 1500 * 4096 });
  } finally {
    await rm(proc, { recursive: true, force: true });
  }
});

test('GroupSampler on the real /proc: the group of the test process is found and measured', (t) => {
  const sampler = new GroupSampler();
  // ava's worker is a child process; its process group is whatever its parent gave it, so find it.
  const ours = parseProcStat(readFileSync(`/proc/${process.pid}/stat`, 'utf8'));
  t.truthy(ours);
  const usage = sampler.sample([ours!.pgrp]).get(ours!.pgrp);
  t.truthy(usage);
  t.true(usage!.rssBytes >= process.memoryUsage().rss / 2, `group rss ${usage!.rssBytes}`);
});

test('HostMetrics: one sample of CPU, load, memory, network and the state directory\'s disk', async (t) => {
  let samples = 0;
  const host = new HostMetrics(tmpdir(), () => samples++);
  try {
    await host.start();
    const view = host.view;
    t.truthy(view);
    t.true(samples >= 1);
    t.is(view!.memory.totalBytes, totalmem());
    t.true(view!.memory.usedBytes > 0 && view!.memory.usedBytes <= view!.memory.totalBytes);
    t.true(view!.cpuPercent >= 0 && view!.cpuPercent <= 100);
    t.is(view!.load.length, 3);
    t.true(view!.network.rxBytesPerSecond >= 0 && view!.network.txBytesPerSecond >= 0);
    t.truthy(view!.disk);
    t.true(tmpdir().startsWith(view!.disk!.path), `${view!.disk!.path} holds ${tmpdir()}`);
    t.true(view!.disk!.usedBytes <= view!.disk!.totalBytes);
  } finally {
    host.stop();
  }
});
