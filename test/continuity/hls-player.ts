// An HLS player for the continuity tests: reloads a live playlist through the gateway as a player
// does (every half target duration, and again after a failure, like hls.js's retries), fetches
// every new segment once, and records what RFC 8216 §6.2.1 promises a client: a segment's media
// sequence number and discontinuity sequence number never change, MEDIA-SEQUENCE never goes back.
// Playback is modelled: it starts three segments from the live edge (§6.3.3) and underruns if the
// segments fetched so far last less than the time played.

export interface PlaylistEntry {
  readonly uri: string;
  readonly seq: number;
  /** Its discontinuity sequence number: DISCONTINUITY-SEQUENCE plus the tags up to it. */
  readonly discSeq: number;
  readonly duration: number;
  readonly discontinuity: boolean;
}

export function parsePlaylist(text: string): { sequence: number; discontinuitySequence: number; entries: PlaylistEntry[] } {
  const lines = text.split('\n');
  const tag = (name: string): number => Number(lines.find((l) => l.startsWith(`#${name}:`))?.slice(name.length + 2));
  const sequence = tag('EXT-X-MEDIA-SEQUENCE');
  const discontinuitySequence = tag('EXT-X-DISCONTINUITY-SEQUENCE');
  const entries: PlaylistEntry[] = [];
  let disc = discontinuitySequence;
  let pending = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '#EXT-X-DISCONTINUITY') {
      pending = true;
      disc++;
    }
    if (!line.startsWith('#EXTINF:')) continue;
    entries.push({ uri: lines[i + 1]!, seq: sequence + entries.length, discSeq: disc, duration: Number(line.slice(8, line.indexOf(','))), discontinuity: pending });
    pending = false;
  }
  return { sequence, discontinuitySequence, entries };
}

export interface Fetched extends PlaylistEntry {
  readonly data: Buffer;
  readonly at: number;
}

export class HlsPlayer {
  readonly segments: Fetched[] = [];
  /** Rule breaks seen (a number that changed, a sequence that went back). */
  readonly violations: string[] = [];
  /** Failed requests: status or error, with the time. */
  readonly failures: { at: number; what: string }[] = [];
  playlists = 0;
  /** Least time ahead of the playhead seen, ms (negative: an underrun). */
  minAheadMs = Infinity;
  #known = new Map<string, { seq: number; discSeq: number }>();
  #lastSequence = -1;
  #next = -1;
  #playStart = 0;
  #stopped = false;
  readonly #done: Promise<void>;

  constructor(
    readonly base: string,
    readonly targetMs: number,
  ) {
    this.#done = this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#done;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      await this.#reload().catch((e: Error) => this.failures.push({ at: Date.now(), what: e.message }));
      this.#checkPlayhead();
      await new Promise((r) => setTimeout(r, this.targetMs / 2));
    }
  }

  #checkPlayhead(): void {
    if (this.#playStart === 0) return;
    const buffered = this.segments.reduce((n, s) => n + s.duration * 1000, 0);
    this.minAheadMs = Math.min(this.minAheadMs, buffered - (Date.now() - this.#playStart));
  }

  async #reload(): Promise<void> {
    const res = await fetch(`${this.base}live.m3u8`, { headers: { 'user-agent': 'continuity-hls/1.0' } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`playlist ${res.status}`);
    this.playlists++;
    const p = parsePlaylist(text);
    if (p.sequence < this.#lastSequence) this.violations.push(`MEDIA-SEQUENCE went back from ${this.#lastSequence} to ${p.sequence}`);
    this.#lastSequence = Math.max(this.#lastSequence, p.sequence);
    for (const e of p.entries) {
      const known = this.#known.get(e.uri);
      if (known && (known.seq !== e.seq || known.discSeq !== e.discSeq)) {
        this.violations.push(`${e.uri}: was ${known.seq}/${known.discSeq}, now ${e.seq}/${e.discSeq}`);
      }
      this.#known.set(e.uri, { seq: e.seq, discSeq: e.discSeq });
    }
    if (this.#next === -1) this.#next = p.entries[Math.max(0, p.entries.length - 3)]?.seq ?? -1;
    for (const e of p.entries) {
      if (e.seq < this.#next) continue;
      if (e.seq > this.#next) this.violations.push(`segment ${this.#next} was never listed (next listed: ${e.seq})`);
      const seg = await fetch(`${this.base}${e.uri}`);
      const data = Buffer.from(await seg.arrayBuffer());
      if (seg.status !== 200) throw new Error(`segment ${e.uri} ${seg.status}`);
      this.segments.push({ ...e, data, at: Date.now() });
      // Playback starts once three segments are in (hls.js's liveSyncDurationCount: 3).
      if (this.#playStart === 0 && this.segments.length === 3) this.#playStart = Date.now();
      this.#next = e.seq + 1;
    }
  }
}
