// CPU and memory of each component, summed over its whole process group (a component may start
// children: ffmpeg helpers, a shell). Read straight from /proc/<pid>/stat (proc(5)) — what pm2
// monit's pidusage does, without listing every process through `ps` (docs/supervision.md#host-and-process-metrics).
// The group is found by following /proc/<pid>/task/<tid>/children down from each leader, a few
// reads, rather than reading every process on the host; without children files (an old or
// restricted kernel), every /proc entry is read instead.
import { readdirSync, readFileSync } from 'node:fs';

export interface GroupUsage {
  /** Percent of one core since the previous sample; null on the first. */
  cpuPercent: number | null;
  rssBytes: number;
}

/** USER_HZ: 100 on every Linux ABI Node runs on (sysconf(_SC_CLK_TCK)). */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

export interface ProcStat {
  pgrp: number;
  /** utime + stime, in ticks. */
  cpuTicks: number;
  rssPages: number;
}

/** Parses one /proc/<pid>/stat line; the command name may contain spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const f = text.slice(close + 2).trim().split(/\s+/);
  // f[0] is field 3 (state) of proc(5): field n is f[n - 3].
  const pgrp = Number(f[2]);
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  const rss = Number(f[21]);
  if (![pgrp, utime, stime, rss].every(Number.isFinite)) return null;
  return { pgrp, cpuTicks: utime + stime, rssPages: rss };
}

/** Samples the groups led by the given pids; keeps the previous totals to turn ticks into percent. */
export class GroupSampler {
  #previous = new Map<number, { ticks: number; at: number }>();

  sample(leaders: readonly number[], now = performance.now(), procDir = '/proc'): Map<number, GroupUsage> {
    const wanted = new Set(leaders);
    const totals = new Map<number, { ticks: number; rss: number }>();
    const entries = descendantsOf(leaders, procDir) ?? allProcesses(procDir);
    for (const entry of entries) {
      let stat: ProcStat | null = null;
      try {
        stat = parseProcStat(readFileSync(`${procDir}/${entry}/stat`, 'utf8'));
      } catch {
        continue; // gone between listing and reading
      }
      if (stat === null || !wanted.has(stat.pgrp)) continue;
      const t = totals.get(stat.pgrp) ?? { ticks: 0, rss: 0 };
      t.ticks += stat.cpuTicks;
      t.rss += stat.rssPages * PAGE_BYTES;
      totals.set(stat.pgrp, t);
    }
    const out = new Map<number, GroupUsage>();
    const next = new Map<number, { ticks: number; at: number }>();
    for (const [pgrp, t] of totals) {
      const before = this.#previous.get(pgrp);
      const seconds = before ? (now - before.at) / 1000 : 0;
      const cpuPercent = before && seconds > 0 ? Math.max(0, Math.round(((t.ticks - before.ticks) / TICKS_PER_SECOND / seconds) * 1000) / 10) : null;
      out.set(pgrp, { cpuPercent, rssBytes: t.rss });
      next.set(pgrp, { ticks: t.ticks, at: now });
    }
    this.#previous = next;
    return out;
  }
}

/** The leaders and all their descendants, from the children files; null when the kernel has none. */
export function descendantsOf(leaders: readonly number[], procDir = '/proc'): number[] | null {
  const found: number[] = [];
  const seen = new Set<number>();
  const queue = [...leaders];
  let readable = false;
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`${procDir}/${pid}/task`);
    } catch {
      continue; // gone, or no task directory
    }
    found.push(pid);
    for (const tid of tasks) {
      let children: string;
      try {
        children = readFileSync(`${procDir}/${pid}/task/${tid}/children`, 'utf8');
        readable = true;
      } catch {
        continue;
      }
      for (const c of children.trim().split(' ')) if (c !== '') queue.push(Number(c));
    }
  }
  return readable ? found : null;
}

function allProcesses(procDir: string): string[] {
  try {
    return readdirSync(procDir).filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
}
