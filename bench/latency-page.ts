// The page of the latency benchmark (bench/latency.ts): an <audio> element playing the stream
// (progressive, or HLS through hls.js as the listening page does), routed through Web Audio to an
// AudioWorklet that finds each beep's first loud sample and its length. The page turns the
// sample's context time into wall-clock time with AudioContext.getOutputTimestamp(), i.e. when
// that sample leaves for the speaker, and collects the onsets in window.__onsets;
// window.__startMs is how long the element took from being given the stream to playing it.

/** Loud: a sample above this (the beeps peak at 0.5, the silence between them is digital zero). */
export const THRESHOLD = 0.1;
/** A beep starts after at least this much quiet… */
const QUIET_BEFORE_MS = 300;
/** …and ends after this much. */
const QUIET_AFTER_MS = 20;

const WORKLET = `
class BeepDetector extends AudioWorkletProcessor {
  constructor() {
    super();
    this.lastLoud = -1e9;
    this.onset = null;
  }
  process(inputs) {
    const input = inputs[0];
    if (input && input[0]) {
      const ch = input[0];
      for (let i = 0; i < ch.length; i++) {
        const t = currentTime + i / sampleRate;
        if (Math.abs(ch[i]) > ${THRESHOLD}) {
          if (this.onset === null && t - this.lastLoud > ${QUIET_BEFORE_MS / 1000}) this.onset = t;
          this.lastLoud = t;
        } else if (this.onset !== null && t - this.lastLoud > ${QUIET_AFTER_MS / 1000}) {
          this.port.postMessage({ onset: this.onset, ms: (this.lastLoud - this.onset) * 1000 });
          this.onset = null;
        }
      }
    }
    return true;
  }
}
registerProcessor('beep-detector', BeepDetector);
`;

export interface PageOptions {
  /** The stream's URL, or the HLS playlist's. */
  src: string;
  hls: boolean;
  /** Where the page loads hls.js from (same origin), when hls. */
  hlsScript?: string;
}

export function latencyPage(o: PageOptions): string {
  const script = `
window.__onsets = [];
window.__state = 'starting';
(async () => {
  const audio = document.querySelector('audio');
  const ctx = new AudioContext();
  const url = URL.createObjectURL(new Blob([${JSON.stringify(WORKLET)}], { type: 'text/javascript' }));
  await ctx.audioWorklet.addModule(url);
  const detector = new AudioWorkletNode(ctx, 'beep-detector');
  const mute = ctx.createGain();
  mute.gain.value = 0;
  ctx.createMediaElementSource(audio).connect(detector).connect(mute).connect(ctx.destination);
  detector.port.onmessage = (e) => {
    const ts = ctx.getOutputTimestamp();
    const at = performance.timeOrigin + ts.performanceTime + (e.data.onset - ts.contextTime) * 1000;
    window.__onsets.push({ at, ms: e.data.ms });
  };
  const asked = performance.now();
  audio.addEventListener('playing', () => {
    window.__state = 'playing';
    window.__startMs ??= performance.now() - asked;
  });
  audio.addEventListener('error', () => (window.__state = 'error ' + (audio.error && audio.error.code)));
  if (${o.hls}) {
    const hls = new Hls();
    hls.on(Hls.Events.ERROR, (_e, d) => d.fatal && (window.__state = 'hls error ' + d.details));
    hls.attachMedia(audio);
    hls.loadSource(${JSON.stringify(o.src)});
  } else {
    audio.src = ${JSON.stringify(o.src)};
  }
  await ctx.resume();
  await audio.play();
})().catch((err) => (window.__state = 'failed ' + err));
`;
  const hls = o.hls && o.hlsScript ? `<script src="${o.hlsScript}"></script>` : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>latency</title>${hls}</head><body><audio></audio><script>${script}</script></body></html>`;
}
