// The Links pane as a table (pure, like view-model.ts): one row per link, newest first as the
// control API sends them, keyed by the link's id so the selection follows a link. Labels are the
// operator's words and may hold anything: they pass through sanitise like every other field.
import type { LinksPage, LinkView } from '../contracts/links.ts';
import { fitColumns, headerLine, rowLine, type Column } from './columns.ts';
import { formatDuration, secondsBetween, type Tone } from './format.ts';
import { sanitise } from './sanitise.ts';
import type { Row, Table } from './view-model.ts';

export type LinkState = 'live' | 'revoked' | 'expired';

/** Revoked wins over expired: the operator's act is the more useful fact. */
export function linkState(link: Pick<LinkView, 'revoked' | 'expired'>): LinkState {
  return link.revoked ? 'revoked' : link.expired ? 'expired' : 'live';
}

/** "in 6d23h", "3h01m ago", or "-" when a time is missing. */
export function relativeWords(at: string | null, now: string): string {
  const seconds = secondsBetween(now, at);
  if (seconds === null) return '-';
  return seconds >= 0 ? `in ${formatDuration(seconds)}` : `${formatDuration(-seconds)} ago`;
}

/** Players connected now, with the link's limit when it has one: "2", "2/5". */
export function playersWords(link: Pick<LinkView, 'listeners' | 'maxListeners'>): string {
  return link.maxListeners === null ? String(link.listeners) : `${link.listeners}/${link.maxListeners}`;
}

function columns(now: string): Column<LinkView>[] {
  return [
    { header: 'LABEL', width: 14, drop: 0, flex: true, cell: (l) => sanitise(l.label) },
    { header: 'MOUNT', width: 12, drop: 1, flex: true, cell: (l) => sanitise(l.mount) },
    { header: 'EXPIRES', width: 10, drop: 2, cell: (l) => relativeWords(l.expiresAt, now) },
    { header: 'PLAYERS', width: 7, drop: 0, align: 'right', cell: playersWords },
    { header: 'STATE', width: 7, drop: 0, cell: linkState },
    { header: 'LAST USED', width: 10, drop: 3, cell: (l) => (l.lastUsedAt === null ? 'never' : relativeWords(l.lastUsedAt, now)) },
  ];
}

const TONES: Record<LinkState, Tone> = { live: 'plain', revoked: 'warn', expired: 'warn' };

export function linksTable(page: LinksPage | null, now: string, width: number): Table {
  const fitted = fitColumns(columns(now), width);
  const rows: Row[] = (page?.links ?? []).map((l) => ({ key: l.id, text: rowLine(fitted, l), tone: TONES[linkState(l)] }));
  return { header: headerLine(fitted), rows };
}
