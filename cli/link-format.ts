// What `icegate link` prints for people (pure, table-tested in test/cli/link-format.test.ts): a
// made link with its URLs, the list of links, a refusal in words, and the QR code of a link's
// page for a terminal. Labels are the operator's words: every one passes through sanitise (no
// escape sequence or control character reaches the terminal).
import type { LinkView } from '../contracts/links.ts';
import { linkState, playersWords, relativeWords } from '../tui/links-table.ts';
import { refusalWords } from '../tui/links-input.ts';
import { qrMatrix, renderQr } from '../tui/qr.ts';
import { fit, sanitise } from '../tui/sanitise.ts';

/** "2026-03-08 12:00 UTC" from an ISO time. */
export function utcWords(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function limitWords(link: LinkView): string {
  return link.maxListeners === null ? 'no limit of players at once' : `at most ${link.maxListeners} player${link.maxListeners === 1 ? '' : 's'} at once`;
}

/** A made (or revoked) link, for the operator to pass on. */
export function linkLines(link: LinkView, now: string): string[] {
  const state = link.revoked ? 'revoked' : link.expired ? 'expired' : `expires ${utcWords(link.expiresAt)} (${relativeWords(link.expiresAt, now)})`;
  return [
    `Link "${sanitise(link.label)}" to ${sanitise(link.mount)}: ${state}, ${limitWords(link)}`,
    `  id ${sanitise(link.id)}; "icegate link revoke ${sanitise(link.id)}" ends it`,
    'Listening page, for a browser (the QR code opens it on a phone):',
    `  ${sanitise(link.pageUrl, 4096)}`,
    'Stream, for a player app (VLC, a phone radio app):',
    `  ${sanitise(link.url, 4096)}`,
  ];
}

/** The QR code of the link's page; with `color`, pinned white on black so any terminal theme scans. */
export function qrLines(link: LinkView, color: boolean): string[] {
  return renderQr(qrMatrix(link.pageUrl)).map((line) => (color ? `\x1b[37;40m${line}\x1b[0m` : line));
}

/** Every link in a table, newest first as the control API sends them. */
export function listLines(links: readonly LinkView[], now: string): string[] {
  if (links.length === 0) return ['no links yet: icegate link create --mount /live.mp3 --label "Grandma Rose"'];
  const labels = links.map((l) => sanitise(l.label, 40));
  const mounts = links.map((l) => sanitise(l.mount, 40));
  const ids = links.map((l) => sanitise(l.id, 40));
  const w = (values: string[], header: string) => Math.max(header.length, ...values.map((v) => v.length));
  const [wi, wl, wm] = [w(ids, 'ID'), w(labels, 'LABEL'), w(mounts, 'MOUNT')];
  const row = (cells: string[]) => cells.join('  ').trimEnd();
  return [
    row([fit('ID', wi), fit('LABEL', wl), fit('MOUNT', wm), fit('EXPIRES', 14), fit('PLAYERS', 7), fit('STATE', 7), 'LAST USED']),
    ...links.map((l, i) =>
      row([fit(ids[i]!, wi), fit(labels[i]!, wl), fit(mounts[i]!, wm), fit(relativeWords(l.expiresAt, now), 14), fit(playersWords(l), 7, 'right'), fit(linkState(l), 7), l.lastUsedAt === null ? 'never' : relativeWords(l.lastUsedAt, now)]),
    ),
  ];
}

/** A refusal of the control API in words: its message, its code, and what to do about it. */
export function refusalLine(command: string, error: { code: string; message: string }): string {
  const why = refusalWords(error.code);
  return `icegate link ${command}: ${sanitise(error.message, 300)} (${sanitise(error.code, 40)})${why === null ? '' : `: ${why}`}`;
}
