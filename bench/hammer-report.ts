// The credential hammer's table: refusals per second and time to a 401/429 on each stack's
// source and admin port, and how the streaming listeners fared meanwhile (pure).
import type { PortResult } from './hammer.ts';
import type { ListenerRates } from './run-once.ts';
import { median } from './stats.ts';

export interface HammerRun {
  stack: string;
  listeners: number;
  source: PortResult;
  admin: PortResult;
  /** The stack's CPU per attempt (both ports), beyond what streaming to the listeners costs. */
  cpuMsPerAttempt: number;
  rates: ListenerRates;
  /** Listeners cut off or starved by the end of the run. */
  dropped: number;
}

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** "401 ×812, 429 ×3020" */
function statuses(s: Record<string, number>): string {
  return Object.entries(s)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status === '0' ? 'no answer' : status} ×${n}`)
    .join(', ');
}

/** One row per stack, listener count and port; figures are medians over the runs, statuses the last run's. */
export function hammerTable(runs: readonly HammerRun[], rate: number): string {
  const lines = [
    '| listeners | stack | port | runs | refusals / s | time to refusal p50 (ms) | p99 (ms) | answers (last run) | stack CPU ms / attempt | listener B/s min | p1 | median | dropped or starved |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const keys = [...new Set(runs.map((r) => `${r.listeners} ${r.stack}`))];
  for (const key of keys) {
    const group = runs.filter((r) => `${r.listeners} ${r.stack}` === key);
    const last = group[group.length - 1]!;
    for (const port of ['source', 'admin'] as const) {
      const m = (f: (r: HammerRun) => number): number => median(group.map(f));
      lines.push(
        `| ${last.listeners} | ${last.stack} | ${port} | ${group.length} | ${fmt(m((r) => r[port].refusalsPerSec), 0)} | ${fmt(m((r) => r[port].p50Ms), 1)} | ${fmt(m((r) => r[port].p99Ms), 1)} | ${statuses(last[port].statuses)} | ${fmt(m((r) => r.cpuMsPerAttempt), 2)} | ${fmt(m((r) => r.rates.min), 0)} | ${fmt(m((r) => r.rates.p1), 0)} | ${fmt(m((r) => r.rates.median), 0)} | ${fmt(m((r) => r.dropped), 0)} |`,
      );
    }
  }
  lines.push(
    '',
    `Listener rates are over the hammer span; the stream rate is ${rate} B/s. CPU per attempt is over both ports together (the same figure on both rows): the stack's CPU during the span, less its streaming CPU at the window's rate, divided by all attempts.`,
  );
  return lines.join('\n');
}
