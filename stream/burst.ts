// How many bytes a new listener is sent at once (the burst, docs/icecast-compatibility.md#queue-and-burst).
// Icecast counts the burst in bytes, so the same burst-size is 16 s of 32 kbit/s audio and 1.6 s
// of 320 kbit/s. A browser plays from the first byte it receives and never catches up, so the
// burst is exactly the latency it adds: icegate counts it in seconds of audio (burstSeconds) and
// turns that into bytes from the mount's bitrate. An explicit burstSize keeps Icecast's meaning
// and wins. Pure: the mount (mount.ts) asks, the queue (stream-queue.ts) finds the frame boundary.
// The burst is counted back from the queue's live edge, so audio still held in the coalescer
// (stream/coalescer.ts, up to 0.5 s) comes on top: taking it off made Chromium start closer to
// the encoder (2.3-2.5 s) where it drifts and rebuffers to 4.5 s within seconds (bench/RESULTS.md).

/** What the configuration says about the burst (relay.limits and the mount's own settings). */
export interface BurstPolicy {
  /** Bytes, whatever the bitrate (Icecast's burst-size); null = burstSeconds decides. 0 = no burst. */
  burstSize: number | null;
  /** Seconds of audio; 0 = no burst. */
  burstSeconds: number;
}

/** What is known of the mount's bitrate, in kbit/s; null or undefined when unknown. */
export interface BurstRate {
  /** Measured from the frames received (bytes over their decoded duration). */
  measured?: number | null | undefined;
  /** Said by the operator (a mount's bitrate) or the source (ice-bitrate, ice-audio-info, or the first MP3 frame header). */
  declared?: number | null | undefined;
}

/** The bitrate assumed when nothing is known (an Ogg or AAC source that declared none, before its first second). */
export const ASSUMED_KBPS = 128;

/** Rates outside this range are not believed (a garbled header, a rounding of an empty measurement). */
const MIN_KBPS = 4;
const MAX_KBPS = 2000;

export type BurstBasis = 'burstSize' | 'measured' | 'declared' | 'assumed' | 'off';

export interface BurstPlan {
  /** Bytes behind the live edge the listener starts at (before rounding back to a frame boundary). */
  bytes: number;
  /** Where the number came from (reported in the mount's stats and the tests). */
  basis: BurstBasis;
  /** The rate used, kbit/s; null for an explicit burstSize. */
  kbps: number | null;
}

function usable(kbps: number | null | undefined): kbps is number {
  return typeof kbps === 'number' && Number.isFinite(kbps) && kbps >= MIN_KBPS && kbps <= MAX_KBPS;
}

/**
 * The burst for a mount: an explicit burstSize as given; otherwise burstSeconds of audio at the
 * measured bitrate, else the declared one, else ASSUMED_KBPS.
 */
export function planBurst(policy: BurstPolicy, rate: BurstRate = {}): BurstPlan {
  if (policy.burstSize !== null) {
    return { bytes: Math.max(0, Math.floor(policy.burstSize)), basis: policy.burstSize > 0 ? 'burstSize' : 'off', kbps: null };
  }
  if (!(policy.burstSeconds > 0)) return { bytes: 0, basis: 'off', kbps: null };
  const [kbps, basis]: [number, BurstBasis] = usable(rate.measured)
    ? [rate.measured, 'measured']
    : usable(rate.declared)
      ? [rate.declared, 'declared']
      : [ASSUMED_KBPS, 'assumed'];
  return { bytes: Math.ceil((policy.burstSeconds * kbps * 1000) / 8), basis, kbps };
}
