// Splits an Ogg stream into pages, keeps the codec header pages apart for new listeners, and
// emits audio pages as chunks: every page is a valid start point for Vorbis and Opus once the
// headers have been sent (docs/icecast-compatibility.md#where-a-listener-starts).
import type { AudioInfo, Chunk, Codec, Framer } from '../types.ts';
import { ChunkGrouper } from './chunk-grouper.ts';
import { LinkHeaders } from './ogg-headers.ts';
import { FLAG_BOS, OGG_CAPTURE, readOggPage, type OggPage } from './ogg-page.ts';

const EMPTY = Buffer.alloc(0);

/**
 * Header pages are normally a few KiB, but Vorbis comments may embed cover art. A link whose
 * headers exceed this is abandoned (counted as dropped) until the next BOS page.
 */
export const MAX_HEADER_BYTES = 1024 * 1024;

interface PublishedLink {
  link: LinkHeaders;
  pages: Buffer;
}

/**
 * Chained streams: a BOS page after audio starts a new link. All chunks returned by one push()
 * belong to the header set that headerPages() returns right after that push: when a new link
 * begins after audio was already emitted in this push, the push ends there and the rest is
 * carried to the next push (a live source sends more soon; call push(Buffer.alloc(0)) to drain
 * without new input).
 *
 * Pages failing the CRC, pages before the first header set, and pages of logical streams not in
 * the current link are dropped and counted.
 */
export class OggFramer implements Framer {
  #carry: Buffer = EMPTY;
  #current: PublishedLink | null = null;
  #pending: LinkHeaders | null = null;
  /** Set when a link's headers grew past MAX_HEADER_BYTES: drop pages until the next BOS. */
  #abandoned = false;
  #generation = 0;
  #dropped = 0;

  get codec(): Codec {
    return this.#current?.link.codec ?? this.#pending?.codec ?? 'ogg';
  }
  headerPages(): Buffer | null {
    return this.#current?.pages ?? null;
  }
  headerGeneration(): number {
    return this.#generation;
  }
  audioInfo(): AudioInfo {
    return this.#current?.link.audioInfo ?? this.#pending?.audioInfo ?? {};
  }
  droppedBytes(): number {
    return this.#dropped;
  }

  push(data: Buffer): Chunk[] {
    const buf = this.#carry.length ? Buffer.concat([this.#carry, data]) : data;
    const out = new ChunkGrouper(buf);
    let pos = 0;
    let emitted = false;
    while (pos < buf.length) {
      const page = readOggPage(buf, pos);
      if (page === 'need') break;
      if (page === 'bad') {
        // Resync on the next capture pattern; keep 3 trailing bytes that may begin one.
        const found = buf.indexOf(OGG_CAPTURE, pos + 1);
        const next = found >= 0 ? found : Math.max(pos + 1, buf.length - 3);
        this.#dropped += next - pos;
        pos = next;
        out.close();
        continue;
      }
      if (emitted && this.#startsLink(page)) break;
      const kind = this.#take(page);
      if (kind === 'audio') {
        out.add(pos, pos + page.bytes.length);
        emitted = true;
      } else {
        out.close();
        if (kind === 'drop') this.#dropped += page.bytes.length;
      }
      pos += page.bytes.length;
    }
    out.close();
    this.#carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : EMPTY;
    return out.chunks;
  }

  #startsLink(page: OggPage): boolean {
    return (page.flags & FLAG_BOS) !== 0 && (this.#pending === null || this.#pending.pastBos);
  }

  #take(page: OggPage): 'audio' | 'header' | 'drop' {
    if (this.#startsLink(page)) {
      // An unfinished header set is lost: its pages were never emitted.
      if (this.#pending) this.#dropped += this.#pending.bytes;
      this.#pending = new LinkHeaders();
      this.#abandoned = false;
    }
    const pending = this.#pending;
    if (pending) {
      if (!pending.has(page.serial) && !(page.flags & FLAG_BOS)) return 'drop';
      // All BOS pages of a link come first (RFC 3533 §4), so a codec whose header is its BOS
      // page alone is known to be complete only at the first page after them.
      if (!(page.flags & FLAG_BOS) && pending.complete()) {
        this.#publish(pending);
        return 'audio';
      }
      pending.add(page);
      if (pending.bytes > MAX_HEADER_BYTES) {
        this.#dropped += pending.bytes;
        this.#pending = null;
        this.#abandoned = true;
        return 'header';
      }
      if (pending.pastBos && pending.complete()) this.#publish(pending);
      return 'header';
    }
    if (this.#abandoned || !this.#current?.link.has(page.serial)) return 'drop';
    return 'audio';
  }

  #publish(link: LinkHeaders): void {
    this.#current = { link, pages: link.pages() };
    this.#pending = null;
    this.#generation++;
  }
}
