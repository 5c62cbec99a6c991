// MPEG-2 presentation timestamps for packed audio: a 90 kHz clock kept modulo 2^33 (ISO/IEC
// 13818-1 §2.4.3.7; RFC 8216 §3.4 puts the 33-bit value into the segment's ID3 PRIV tag).
// Times come from counting samples, never from adding up float durations, so hours of segments
// do not drift (docs/hls.md#timestamps).

export const PTS_HZ = 90000;
/** 2^33 ticks, about 26.5 hours: a 24/7 mount wraps once a day. */
export const PTS_MODULO = 2 ** 33;

/** `samples` at `samplerate` in 90 kHz ticks, rounded to the nearest tick. Exact for any count. */
export function samplesToTicks(samples: number, samplerate: number): number {
  const num = BigInt(samples) * BigInt(PTS_HZ);
  const rate = BigInt(samplerate);
  return Number((num * 2n + rate) / (rate * 2n));
}

/** `pts + ticks` on the 33-bit clock. */
export function addTicks(pts: number, ticks: number): number {
  return (((pts + ticks) % PTS_MODULO) + PTS_MODULO) % PTS_MODULO;
}
