// The encoder's input for the latency benchmark: silence with a 1 kHz beep every PERIOD_S, as
// 16-bit mono PCM written in real time to the encoders' stdin. Each beep's length says which it is
// (BEEP_IDS lengths), so a beep heard 5 s late is not taken for the one sent 1 s ago; the time its
// first sample is written is its emit time. The schedule and the samples are pure; the pacer
// writes them as the clock passes.
import type { Writable } from 'node:stream';

export const SAMPLE_RATE = 44100;
/** Seconds between beep starts. */
export const PERIOD_S = 2;
/** Beep lengths cycle through this many values: a beep is told apart from the others within BEEP_IDS × PERIOD_S. */
export const BEEP_IDS = 8;
const BASE_MS = 60;
const STEP_MS = 40;
const AMPLITUDE = 0.5;
const RAMP_S = 0.002;
/** The pacer writes what is due every this many ms (the emit time's resolution). */
const TICK_MS = 5;

/** The length of beep `id` in ms (60, 100, … 340). */
export function beepMs(id: number): number {
  return BASE_MS + STEP_MS * (((id % BEEP_IDS) + BEEP_IDS) % BEEP_IDS);
}

/** Which beep id a heard length is (the nearest step), or null when it is none of them. */
export function beepIdOf(heardMs: number): number | null {
  const id = Math.round((heardMs - BASE_MS) / STEP_MS);
  return id >= 0 && id < BEEP_IDS && Math.abs(heardMs - beepMs(id)) < STEP_MS / 2 ? id : null;
}

/** Sample index where beep `n` (0, 1, 2 …) starts: the first a whole period into the stream. */
export function beepStart(n: number): number {
  return Math.round((n + 1) * PERIOD_S * SAMPLE_RATE);
}

/** Samples [from, to) of the tone as s16le. */
export function toneSamples(from: number, to: number): Buffer {
  const out = Buffer.alloc((to - from) * 2);
  const period = PERIOD_S * SAMPLE_RATE;
  for (let i = from; i < to; i++) {
    const n = Math.floor(i / period) - 1;
    if (n < 0) continue;
    const t = (i - beepStart(n)) / SAMPLE_RATE;
    const len = beepMs(n) / 1000;
    if (t < 0 || t >= len) continue;
    const ramp = Math.min(1, t / RAMP_S, (len - t) / RAMP_S);
    out.writeInt16LE(Math.round(Math.sin(2 * Math.PI * 1000 * t) * AMPLITUDE * ramp * 32767), (i - from) * 2);
  }
  return out;
}

export interface Emitted {
  n: number;
  id: number;
  /** Wall-clock ms (performance.timeOrigin + performance.now()) the beep's first sample was written. */
  at: number;
}

export const wallNow = (): number => performance.timeOrigin + performance.now();

/** Writes the tone in real time to every sink; `emitted` grows as beeps go out. stop() ends the sinks. */
export function startTone(sinks: Writable[]): { emitted: Emitted[]; stop(): void } {
  const emitted: Emitted[] = [];
  const t0 = performance.now();
  let written = 0;
  let next = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * SAMPLE_RATE);
    if (due <= written) return;
    const pcm = toneSamples(written, due);
    for (const s of sinks) if (!s.destroyed) s.write(pcm);
    const at = wallNow();
    while (beepStart(next) < due) {
      if (beepStart(next) >= written) emitted.push({ n: next, id: next % BEEP_IDS, at });
      next++;
    }
    written = due;
  }, TICK_MS);
  return {
    emitted,
    stop() {
      clearInterval(timer);
      for (const s of sinks) s.end();
    },
  };
}
