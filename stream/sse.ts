// A Server-Sent Events parser (WHATWG HTML §9.2.6 "Interpreting an event stream"): lines end in
// CRLF, LF or CR; "field: value" with one optional space; `data` lines join with "\n"; a blank
// line dispatches; lines starting with ":" are comments (the supervisor's `: ping`, the relay's
// keep-alive). Pure, and bounded: an event larger than `maxEvent` characters is an error rather
// than unbounded memory. The one parser of every event stream icegate reads: the dashboard's
// control-API events (tui/client.ts) and the relay's edge commands (gateway/edge/report.ts).

export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #dataSize = 0;
  #event = '';
  #id: string | null = null;
  /** The server's `retry:` advice in milliseconds, if it gave one. */
  retry: number | null = null;

  constructor(private readonly maxEvent = 16 * 1024 * 1024) {}

  /** The events completed by this chunk; throws when one grows past maxEvent. */
  feed(chunk: string): SseEvent[] {
    this.#buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (match === null || (match[0] === '\r' && match.index === this.#buffer.length - 1)) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const event = this.#line(line);
      if (event !== null) events.push(event);
    }
    if (this.#buffer.length + this.#dataSize > this.maxEvent) throw new Error(`event stream: an event is larger than ${this.maxEvent} characters`);
    return events;
  }

  #line(line: string): SseEvent | null {
    if (line === '') {
      const event = this.#data.length === 0 ? null : { event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id };
      this.#data = [];
      this.#dataSize = 0;
      this.#event = '';
      return event;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.#data.push(value);
      this.#dataSize += value.length + 1;
    } else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }
}
