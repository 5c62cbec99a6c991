// Level metering of interleaved signed 16-bit PCM (pure): peak and RMS per channel in dBFS,
// where 0 dBFS is the largest sample (32768) and a full-scale sine has RMS -3.01 dBFS.

/** Digital silence and anything quieter is reported as this floor, so JSON stays a number. */
export const FLOOR_DBFS = -100;

export interface Levels {
  /** Per channel, dBFS rounded to 0.1, at least FLOOR_DBFS. */
  peakDbfs: number[];
  rmsDbfs: number[];
}

export function toDbfs(linear: number): number {
  if (!(linear > 0)) return FLOOR_DBFS;
  // `|| 0` turns a rounded -0 into 0.
  return Math.min(0, Math.max(FLOOR_DBFS, Math.round(200 * Math.log10(linear)) / 10)) || 0;
}

/** Accumulates samples over a window; `take()` returns the levels and starts a new window. */
export class LevelMeter {
  readonly #channels: number;
  #peak: number[];
  #squares: number[];
  #frames = 0;
  /** A sample split across two chunks. */
  #carry: Buffer | null = null;
  #channel = 0;

  constructor(channels: number) {
    this.#channels = channels;
    this.#peak = new Array<number>(channels).fill(0);
    this.#squares = new Array<number>(channels).fill(0);
  }

  get frames(): number {
    return this.#frames;
  }

  add(pcm: Buffer): void {
    let data = pcm;
    if (this.#carry !== null) {
      data = Buffer.concat([this.#carry, pcm]);
      this.#carry = null;
    }
    const whole = data.length - (data.length % 2);
    const peak = this.#peak;
    const squares = this.#squares;
    let ch = this.#channel;
    for (let i = 0; i < whole; i += 2) {
      const s = data.readInt16LE(i);
      const a = s < 0 ? -s : s;
      if (a > peak[ch]!) peak[ch] = a;
      squares[ch]! += s * s;
      if (++ch === this.#channels) {
        ch = 0;
        this.#frames++;
      }
    }
    this.#channel = ch;
    if (whole < data.length) this.#carry = Buffer.from(data.subarray(whole));
  }

  /** The levels since the last take, or null when no whole frame arrived. */
  take(): Levels | null {
    if (this.#frames === 0) return null;
    const levels = {
      peakDbfs: this.#peak.map((p) => toDbfs(p / 32768)),
      rmsDbfs: this.#squares.map((q) => toDbfs(Math.sqrt(q / this.#frames) / 32768)),
    };
    this.#peak.fill(0);
    this.#squares.fill(0);
    this.#frames = 0;
    return levels;
  }
}

/** The loudest channel's peak: what the silence alarm and the JSON status's peakDbfs use. */
export function loudest(levels: Levels): number {
  return Math.max(...levels.peakDbfs);
}

/** Levels over several windows: the highest peak, the power mean of the RMS values. */
export function combine(windows: readonly Levels[]): Levels | null {
  if (windows.length === 0) return null;
  const channels = windows[0]!.peakDbfs.length;
  const peakDbfs: number[] = [];
  const rmsDbfs: number[] = [];
  for (let c = 0; c < channels; c++) {
    peakDbfs.push(Math.max(...windows.map((w) => w.peakDbfs[c] ?? FLOOR_DBFS)));
    const power = windows.reduce((sum, w) => sum + 10 ** ((w.rmsDbfs[c] ?? FLOOR_DBFS) / 10), 0) / windows.length;
    rmsDbfs.push(toDbfs(Math.sqrt(power)));
  }
  return { peakDbfs, rmsDbfs };
}
