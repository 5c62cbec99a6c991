// Medians over repeated runs and the markdown tables the benchmark prints (pure).
import type { RunResult } from './run-once.ts';
import { median } from './stats.ts';

export interface Configuration {
  /** A ServerKind or a stack's name. */
  server: string;
  listeners: number;
  runs: RunResult[];
}

type Figure = keyof RunResult;

/** Every figure's median over the runs of one configuration. */
export function medians(runs: readonly RunResult[]): RunResult {
  const keys = Object.keys(runs[0] ?? {}) as Figure[];
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as RunResult;
}

const COLUMNS: Array<{ title: string; figure: Figure; digits: number }> = [
  { title: 'served', figure: 'served', digits: 0 },
  { title: 'refused', figure: 'refused', digits: 0 },
  { title: 'unanswered', figure: 'unanswered', digits: 0 },
  { title: 'starved', figure: 'starved', digits: 0 },
  { title: 'connect span (ms)', figure: 'connectSpanMs', digits: 0 },
  { title: 'CPU ms / listener·s', figure: 'cpuMsPerListenerSec', digits: 4 },
  { title: 'CPU ms / listener·s, ramp counted', figure: 'cpuMsPerListenerSecRamp', digits: 4 },
  { title: 'kernel share %', figure: 'systemPct', digits: 0 },
  { title: 'RSS KiB / listener', figure: 'rssKiBPerListener', digits: 1 },
  { title: 'first 64 KiB median (ms)', figure: 'firstBytesMedianMs', digits: 1 },
  { title: 'first 64 KiB p95 (ms)', figure: 'firstBytesP95Ms', digits: 1 },
  { title: 'idle CPU ms/s', figure: 'idleCpuMsPerSec', digits: 1 },
  { title: 'loadgen CPU %', figure: 'loadgenCpuPct', digits: 0 },
];

/** Figures compared as icegate / icecast (lower is better for each). */
const RATIOS: Figure[] = ['cpuMsPerListenerSec', 'cpuMsPerListenerSecRamp', 'rssKiBPerListener', 'firstBytesMedianMs', 'firstBytesP95Ms'];

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function resultsTable(configs: readonly Configuration[]): string {
  const lines = [
    row(['listeners', 'server', 'runs', ...COLUMNS.map((c) => c.title)]),
    row(['---:', '---', '---:', ...COLUMNS.map(() => '---:')]),
  ];
  for (const c of configs) {
    const m = medians(c.runs);
    lines.push(row([String(c.listeners), c.server, String(c.runs.length), ...COLUMNS.map((col) => fmt(m[col.figure], col.digits))]));
  }
  return lines.join('\n');
}

/** `first` / `second` for each listener count both ran (default icegate / icecast). */
export function ratioTable(configs: readonly Configuration[], first = 'icegate', second = 'icecast'): string | null {
  const counts = [...new Set(configs.map((c) => c.listeners))];
  const pairs = counts.flatMap((n) => {
    const a = configs.find((c) => c.listeners === n && c.server === first);
    const b = configs.find((c) => c.listeners === n && c.server === second);
    return a && b ? [{ n, a: medians(a.runs), b: medians(b.runs) }] : [];
  });
  if (pairs.length === 0) return null;
  const titles = RATIOS.map((f) => COLUMNS.find((c) => c.figure === f)!.title);
  const lines = [row(['listeners', ...titles.map((t) => `${t}: ${first}/${second}`)]), row(['---:', ...titles.map(() => '---:')])];
  for (const p of pairs) lines.push(row([String(p.n), ...RATIOS.map((f) => fmt(p.a[f] / p.b[f], 2))]));
  return lines.join('\n');
}
