// CPU time and resident memory of one process, from Linux /proc (proc(5)). Whole-process figures:
// /proc/<pid>/stat sums every thread, which matters for a multi-threaded Icecast.
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export interface ProcSample {
  /** utime + stime, ms */
  cpuMs: number;
  /** stime alone (time in the kernel: socket writes, loopback TCP), ms */
  sysMs: number;
  /** VmRSS, KiB */
  rssKiB: number;
  /** When the sample was taken, ms (monotonic). */
  at: number;
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime and stime in clock ticks from a /proc/<pid>/stat line. */
export function parseStatTicks(stat: string): { user: number; system: number } {
  // comm (field 2) is parenthesised and may hold spaces: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return { user: Number(rest[11]), system: Number(rest[12]) };
}

/** VmRSS in KiB from /proc/<pid>/status. */
export function parseRssKiB(status: string): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!m) throw new Error('no VmRSS in /proc status');
  return Number(m[1]);
}

export function sampleProcess(pid: number): ProcSample {
  const ticks = parseStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const rssKiB = parseRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
  const ms = (t: number): number => (t * 1000) / TICKS_PER_SECOND;
  return { cpuMs: ms(ticks.user + ticks.system), sysMs: ms(ticks.system), rssKiB, at: performance.now() };
}

/** Every live descendant of `pid` (nginx's workers under its master), from the PPid of each /proc entry. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const ppid = Number(/^PPid:\s+(\d+)$/m.exec(status)?.[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const children = parents.get(queue.shift()!) ?? [];
    found.push(...children);
    queue.push(...children);
  }
  return found;
}

/** One sample summed over several processes: a whole stack (gateway and relay, nginx's master and workers and Icecast). */
export function sampleProcesses(pids: readonly number[]): ProcSample {
  const samples = pids.map(sampleProcess);
  const sum = (k: 'cpuMs' | 'sysMs' | 'rssKiB'): number => samples.reduce((s, p) => s + p[k], 0);
  return { cpuMs: sum('cpuMs'), sysMs: sum('sysMs'), rssKiB: sum('rssKiB'), at: performance.now() };
}
