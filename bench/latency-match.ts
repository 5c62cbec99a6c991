// Pairs the beeps a page heard with the beeps the tone sent (bench/latency-tone.ts) and prints
// the latency table (pure).
import { beepIdOf, type Emitted } from './latency-tone.ts';
import { median, percentile } from './stats.ts';

export interface Heard {
  /** Wall-clock ms the beep's first loud sample left for the speaker. */
  at: number;
  /** How long it stayed loud, ms (tells which beep it is). */
  ms: number;
}

export interface Matched {
  /** Latencies in ms, one per beep recognised. */
  latencies: number[];
  /** Onsets whose length matched no beep, or no beep sent before them (a glitch, a cut beep). */
  unmatched: number;
}

/** Each heard beep against the latest beep with its id sent before it. */
export function matchBeeps(emitted: readonly Emitted[], heard: readonly Heard[]): Matched {
  const latencies: number[] = [];
  let unmatched = 0;
  for (const h of heard) {
    const id = beepIdOf(h.ms);
    const sent = id === null ? undefined : emitted.filter((e) => e.id === id && e.at < h.at).at(-1);
    if (sent) latencies.push(h.at - sent.at);
    else unmatched++;
  }
  return { latencies, unmatched };
}

export interface TargetResult {
  name: string;
  /** How the page played it: 'progressive' or 'hls.js'. */
  way: string;
  latencies: number[];
  unmatched: number;
  /** Per join: ms from giving the element the stream to its 'playing' event. */
  startMs: number[];
  /** A page that never played: what it said. */
  failure?: string;
}

function fmtS(ms: number): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–';
}

/** Median, min and p90 per target in seconds, and each median against the anchor's. */
export function latencyTable(results: readonly TargetResult[], anchor: string): string {
  const anchorMedian = median(results.find((r) => r.name === anchor)?.latencies ?? []);
  const lines = [
    `| target | played as | beeps | latency median (s) | min (s) | p90 (s) | median / ${anchor} | start to playing, median (s) |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const m = median(r.latencies);
    const ratio = Number.isFinite(m / anchorMedian) ? (m / anchorMedian).toFixed(2) : '–';
    const note = r.failure ? ` (${r.failure})` : r.unmatched ? ` (+${r.unmatched} unmatched)` : '';
    lines.push(`| ${r.name} | ${r.way} | ${r.latencies.length}${note} | ${fmtS(m)} | ${fmtS(Math.min(...r.latencies))} | ${fmtS(percentile(r.latencies, 90))} | ${ratio} | ${fmtS(median(r.startMs))} |`);
  }
  return lines.join('\n');
}
