// How the relay core tells a source connection that it ended the source on purpose. A source's
// response is `HTTP/1.0 200 OK` and then nothing: encoders never read further. When the relay
// ends a source itself (killsource, a takeover, sourceTimeout) it writes one line after that
// head before closing; a connection that closes without it was lost (the relay crashed or is
// restarting), and a gateway holding the source reconnects it (gateway/hold). Icecast 2 sends no
// such line: in front of it, every end looks like a lost connection.

/** The reasons the relay says; a client's own end ('eof') or a broken connection say nothing. */
export const DELIBERATE_ENDS: ReadonlySet<string> = new Set(['killed', 'replaced', 'timeout']);

const PREFIX = 'icegate-source-end: ';

/** The line the relay writes, e.g. "icegate-source-end: killed\r\n". */
export function sourceEndNotice(reason: string): Buffer {
  return Buffer.from(`${PREFIX}${reason}\r\n`, 'latin1');
}

/** The reason in bytes the relay sent after the response head, or null when there is none. */
export function readSourceEndNotice(body: Buffer): string | null {
  const text = body.toString('latin1');
  const at = text.indexOf(PREFIX);
  if (at === -1) return null;
  const end = text.indexOf('\r\n', at);
  return end === -1 ? null : text.slice(at + PREFIX.length, end);
}
