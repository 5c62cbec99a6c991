// The codec header pages of one Ogg link (a group of BOS pages and the pages that follow them
// until every logical stream's header packets are complete), which every new listener needs
// before any audio page (docs/icecast-compatibility.md#where-a-listener-starts, Icecast format_ogg.c).
import type { AudioInfo, Codec } from '../types.ts';
import { FLAG_BOS, type OggPage } from './ogg-page.ts';

interface StreamHeaders {
  codec: Codec;
  info: AudioInfo;
  /** Header packets this codec has (Vorbis I spec §4.2: 3; RFC 7845 §3: 2; others: the BOS packet). */
  needed: number;
  /** Header packets completed so far. */
  packets: number;
}

const VORBIS_ID = Buffer.from('\x01vorbis', 'latin1');
const OPUS_HEAD = Buffer.from('OpusHead', 'latin1');

/** What the first packet of a BOS page says about its logical stream. */
export function identifyStream(page: OggPage): Omit<StreamHeaders, 'packets'> {
  const packet = page.bytes.subarray(page.bodyOffset, page.bodyOffset + (page.lacing[0] ?? 0));
  if (packet.length >= 16 && packet.subarray(0, 7).equals(VORBIS_ID)) {
    // Identification header: version u32, channels u8, rate u32 LE (Vorbis I spec §4.2.2).
    return { codec: 'vorbis', needed: 3, info: { samplerate: packet.readUInt32LE(12), channels: packet[11]! } };
  }
  if (packet.length >= 16 && packet.subarray(0, 8).equals(OPUS_HEAD)) {
    // ID header: version u8, channels u8, pre-skip u16, input sample rate u32 LE (RFC 7845 §5.1).
    // Opus always decodes at 48 kHz; the input rate is informational and may be 0 (unknown).
    const input = packet.readUInt32LE(12);
    return { codec: 'opus', needed: 2, info: { samplerate: input || 48000, channels: packet[9]! } };
  }
  return { codec: 'ogg', needed: 1, info: {} };
}

export class LinkHeaders {
  #streams = new Map<number, StreamHeaders>();
  #bosPages: Buffer[] = [];
  #otherPages: Buffer[] = [];
  #bytes = 0;

  /** True once a non-BOS page was added: a further BOS page starts a new link. */
  get pastBos(): boolean {
    return this.#otherPages.length > 0;
  }
  get bytes(): number {
    return this.#bytes;
  }

  /** The first Vorbis or Opus stream decides; a link with neither is plain 'ogg'. */
  get codec(): Codec {
    return this.#primary()?.codec ?? 'ogg';
  }
  get audioInfo(): AudioInfo {
    return this.#primary()?.info ?? {};
  }

  has(serial: number): boolean {
    return this.#streams.has(serial);
  }

  /** Adds a BOS page or a page of one of this link's streams; both are header pages. */
  add(page: OggPage): void {
    let stream = this.#streams.get(page.serial);
    if (!stream) {
      stream = { ...identifyStream(page), packets: 0 };
      this.#streams.set(page.serial, stream);
    }
    for (const v of page.lacing) if (v < 255) stream.packets++;
    (this.pastBos || !(page.flags & FLAG_BOS) ? this.#otherPages : this.#bosPages).push(page.bytes);
    this.#bytes += page.bytes.length;
  }

  complete(): boolean {
    if (this.#streams.size === 0) return false;
    for (const s of this.#streams.values()) if (s.packets < s.needed) return false;
    return true;
  }

  /** BOS pages first, then the other header pages, as one buffer. */
  pages(): Buffer {
    return Buffer.concat([...this.#bosPages, ...this.#otherPages], this.#bytes);
  }

  #primary(): StreamHeaders | undefined {
    for (const s of this.#streams.values()) if (s.codec === 'vorbis' || s.codec === 'opus') return s;
    return undefined;
  }
}
