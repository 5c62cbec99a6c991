// Ogg page boundaries in the encoder's output (RFC 3533 §6: "OggS", 27-byte header, segment
// table, body). A listener, and the server's Ogg parser, need the stream's codec header pages
// first; after a reconnect the agent therefore sends the header pages it kept from the
// encoder's start and then continues at the next whole page.

/** Splits a byte stream into whole pages; remembers the header pages (granule position 0, at the start). */
export class OggPager {
  #pending: Buffer = Buffer.alloc(0);
  readonly headers: Buffer[] = [];
  #inHeaders = true;

  /** Whole pages completed by this chunk. */
  push(chunk: Buffer): Buffer[] {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const pages: Buffer[] = [];
    for (;;) {
      const p = this.#pending;
      const start = p.indexOf('OggS');
      if (start < 0) {
        this.#pending = p.subarray(Math.max(0, p.length - 3));
        break;
      }
      if (p.length < start + 27) {
        this.#pending = p.subarray(start);
        break;
      }
      const segments = p[start + 26]!;
      if (p.length < start + 27 + segments) {
        this.#pending = p.subarray(start);
        break;
      }
      let body = 0;
      for (let i = 0; i < segments; i++) body += p[start + 27 + i]!;
      const end = start + 27 + segments + body;
      if (p.length < end) {
        this.#pending = p.subarray(start);
        break;
      }
      const page = Buffer.from(p.subarray(start, end));
      this.#pending = p.subarray(end);
      if (this.#inHeaders) {
        if (page.readBigInt64LE(6) === 0n) this.headers.push(page);
        else this.#inHeaders = false;
      }
      pages.push(page);
    }
    return pages;
  }
}
