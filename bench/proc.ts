// CPU time and resident memory of one process, from Linux /proc (proc(5)). Whole-process figures:
// /proc/<pid>/stat sums every thread, which matters for a multi-threaded Icecast.
import { readFileSync } from 'node:fs';
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
