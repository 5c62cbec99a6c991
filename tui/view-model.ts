// The control API's snapshot as dashboard text: the header, and each pane as a table of rows
// with a stable key (so the selection follows an item when the data changes) and a tone (colour
// as a second channel; the words say it all without colour). Pure: no blessed, no I/O.
import type { ComponentView, ListenersPage, LogPage, MountView, SecurityReason, SecurityView, StateSnapshot } from '../contracts/control-api.ts';
import { fitColumns, headerLine, rowLine, type Column } from './columns.ts';
import {
  componentStateWords,
  componentTone,
  formatBitrate,
  formatBytes,
  formatClock,
  formatDuration,
  formatNowPeak,
  formatPercent,
  percentOf,
  secondsBetween,
  sparkline,
  type Tone,
} from './format.ts';
import { sanitise, truncate } from './sanitise.ts';
import { holdLine } from './hold-line.ts';
import { silentMark, sourceColumns, sourceTone } from './source-columns.ts';

export interface Row {
  key: string;
  text: string;
  tone: Tone;
  /** The address an action on this row (ban) is about, if any. */
  ip?: string;
}

export interface Table {
  /** Column headings, or null for a pane of plain lines. */
  header: string | null;
  rows: Row[];
}

export type Connection = { state: 'connecting' } | { state: 'connected' } | { state: 'disconnected'; reason: string; attempts: number };

export type Verdict = 'OK' | 'DEGRADED' | 'DOWN' | 'DISCONNECTED' | 'CONNECTING';

export function verdict(snapshot: StateSnapshot | null, connection: Connection): Verdict {
  if (connection.state === 'disconnected') return 'DISCONNECTED';
  if (snapshot === null) return 'CONNECTING';
  return snapshot.health === 'ok' ? 'OK' : snapshot.health === 'degraded' ? 'DEGRADED' : 'DOWN';
}

export function verdictTone(v: Verdict): Tone {
  return v === 'OK' ? 'good' : v === 'DEGRADED' || v === 'CONNECTING' ? 'warn' : 'bad';
}

/** Two lines: the station and its verdict, then the host. Each at most `width` cells. */
export function headerLines(snapshot: StateSnapshot | null, connection: Connection, width: number, readOnly: boolean): [string, string] {
  const v = verdict(snapshot, connection);
  const first: string[] = [sanitise(snapshot?.station.name ?? 'icegate', 40), v];
  if (snapshot !== null) {
    const up = secondsBetween(snapshot.supervisor.startedAt, snapshot.now);
    first.push(`up ${formatDuration(up)}`);
    const live = snapshot.mounts.filter((m) => m.live).length;
    const listeners = snapshot.mounts.reduce((sum, m) => sum + m.listeners, 0);
    first.push(`${live}/${snapshot.mounts.length} mounts live`, `${listeners} listeners`);
  }
  if (readOnly) first.push('READ-ONLY');
  // While disconnected the host metrics are stale: the second line says what is wrong instead.
  if (connection.state === 'disconnected') {
    return [truncate(first.join('  '), width), truncate(`reconnecting (attempt ${connection.attempts}): ${sanitise(connection.reason, 200)}`, width)];
  }
  const host = snapshot?.host ?? null;
  const second =
    host === null
      ? [snapshot === null ? 'waiting for the supervisor' : 'host metrics not sampled yet']
      : [
          sanitise(host.hostname, 24),
          `cpu ${formatPercent(host.cpuPercent)}`,
          `mem ${formatBytes(host.memory.usedBytes)}/${formatBytes(host.memory.totalBytes)}`,
          `load ${host.load.map((l) => l.toFixed(2)).join(' ')}`,
          `rx ${formatBitrate(host.network.rxBytesPerSecond)} tx ${formatBitrate(host.network.txBytesPerSecond)}`,
          host.disk === null ? 'disk -' : `disk ${formatPercent(percentOf(host.disk.usedBytes, host.disk.totalBytes))}`,
          `host up ${formatDuration(host.uptimeSeconds)}`,
        ];
  return [truncate(first.join('  '), width), truncate(second.join('  '), width)];
}

function sourceWords(m: MountView): string {
  if (!m.live) return 'no source';
  if (m.sourceKind === 'source') return sanitise(m.sourceIp ?? 'source', 39);
  return m.sourceKind ?? 'live';
}

function formatWords(m: MountView): string {
  if (!m.live) return '-';
  const bitrate = m.bitrate === null ? '' : ` ${m.bitrate}k`;
  return `${m.format ?? '?'}${bitrate}`;
}

const HISTORY = 10;

// Dropped in this order as the terminal narrows: bandwidth history, slow drops, current output,
// uptime, source address, listener history, title, format; mount and listeners always stay.
function mountColumns(now: string): Column<MountView>[] {
  return [
    { header: 'MOUNT', width: 12, drop: 0, flex: true, cell: (m) => sanitise(m.mount) + (m.hidden ? ' (hidden)' : '') },
    { header: 'SOURCE', width: 15, drop: 4, cell: (m) => silentMark(m) + sourceWords(m) },
    { header: 'FORMAT', width: 9, drop: 1, cell: formatWords },
    { header: 'LIS/PEAK', width: 8, drop: 0, align: 'right', cell: (m) => formatNowPeak(m.listeners, m.listenerPeak) },
    { header: 'LISTENERS', width: HISTORY, drop: 3, cell: (m) => sparkline(m.listenerHistory, HISTORY) },
    { header: 'OUT', width: 5, drop: 6, align: 'right', cell: (m) => formatBitrate(m.bandwidthHistory.at(-1) ?? null) },
    { header: 'BANDWIDTH', width: HISTORY, drop: 8, cell: (m) => sparkline(m.bandwidthHistory, HISTORY) },
    { header: 'UP', width: 6, drop: 5, align: 'right', cell: (m) => (m.live ? formatDuration(secondsBetween(m.streamStart, now)) : '-') },
    { header: 'SLOW', width: 4, drop: 7, align: 'right', cell: (m) => String(m.slowListeners) },
    ...sourceColumns(),
    { header: 'TITLE', width: 10, drop: 2, flex: true, cell: (m) => sanitise(m.title) },
  ];
}

export function mountsTable(snapshot: StateSnapshot | null, width: number): Table {
  const columns = fitColumns(mountColumns(snapshot?.now ?? new Date(0).toISOString()), width);
  const rows = (snapshot?.mounts ?? []).map((m) => ({ key: m.mount, text: rowLine(columns, m), tone: sourceTone(m) }));
  return { header: headerLine(columns), rows };
}

type ListenerRow = ListenersPage['listeners'][number];

const listenerColumns: Column<ListenerRow>[] = [
  { header: 'ID', width: 6, drop: 3, align: 'right', cell: (l) => String(l.id) },
  { header: 'IP', width: 15, drop: 0, flex: true, cell: (l) => sanitise(l.ip, 45) },
  { header: 'TIME', width: 6, drop: 0, align: 'right', cell: (l) => formatDuration(l.seconds) },
  { header: 'SENT', width: 5, drop: 1, align: 'right', cell: (l) => formatBytes(l.bytesSent) },
  // A player that came with a link shows the link's label (the operator's words for who it is).
  { header: 'AUTH', width: 12, drop: 2, cell: (l) => sanitise(l.linkLabel ?? (l.username === null ? l.auth : `${l.auth}:${l.username}`)) },
  { header: 'USER AGENT', width: 16, drop: 1, flex: true, cell: (l) => sanitise(l.userAgent) },
];

export function listenersTable(page: ListenersPage | null, width: number): Table {
  const columns = fitColumns(listenerColumns, width);
  const rows = (page?.listeners ?? []).map((l) => ({ key: String(l.id), text: rowLine(columns, l), tone: 'plain' as Tone, ip: l.ip }));
  return { header: headerLine(columns), rows };
}

const componentColumns: Column<ComponentView>[] = [
  { header: 'COMPONENT', width: 10, drop: 0, cell: (c) => sanitise(c.name) },
  { header: 'STATE', width: 18, drop: 0, cell: componentStateWords },
  { header: 'PID', width: 6, drop: 4, align: 'right', cell: (c) => (c.pid === null ? '-' : String(c.pid)) },
  { header: 'UP', width: 6, drop: 1, align: 'right', cell: (c) => formatDuration(c.uptimeSeconds) },
  { header: 'RESTART', width: 7, drop: 1, align: 'right', cell: (c) => String(c.restarts) },
  { header: 'CPU', width: 4, drop: 3, align: 'right', cell: (c) => formatPercent(c.cpuPercent) },
  { header: 'MEM', width: 5, drop: 3, align: 'right', cell: (c) => formatBytes(c.rssBytes) },
  { header: 'LAST EXIT', width: 12, drop: 2, flex: true, cell: (c) => (c.lastExit === null ? '-' : `${sanitise(c.lastExit.reason)} at ${formatClock(c.lastExit.at)}`) },
];

export function healthTable(snapshot: StateSnapshot | null, width: number): Table {
  const columns = fitColumns(componentColumns, width);
  const rows: Row[] = (snapshot?.components ?? []).map((c) => ({ key: `component:${c.name}`, text: rowLine(columns, c), tone: componentTone(c.state) }));
  const hold = holdLine(snapshot?.hold, width);
  if (hold) rows.push({ key: 'hold', ...hold });
  const cert = snapshot?.security.certificate ?? null;
  if (cert !== null) {
    const days = cert.daysLeft < 0 ? `expired ${-cert.daysLeft} days ago` : `expires in ${cert.daysLeft} days`;
    const acme = cert.acme === null || cert.acme === undefined ? '' : `, ACME ${cert.acme.state}${cert.acme.nextRenewal ? `, next ${cert.acme.nextRenewal.slice(0, 10)}` : ''}${cert.acme.lastError ? `: ${sanitise(cert.acme.lastError, 80)}` : ''}`;
    const text = `certificate ${sanitise(cert.subject, 60)}: ${days} (${cert.notAfter.slice(0, 10)})${cert.selfSigned ? ', self-signed' : `, by ${sanitise(cert.issuer ?? '', 40)}`}${acme}`;
    rows.push({ key: 'certificate', text: truncate(text, width), tone: cert.daysLeft < 0 ? 'bad' : cert.daysLeft <= 14 ? 'warn' : 'plain' });
  }
  return { header: headerLine(columns), rows };
}

export const REASON_WORDS: Record<SecurityReason, string> = {
  'blocked-method': 'blocked method',
  'admin-path': 'admin path',
  'bad-credentials': 'bad credentials',
  'rate-limited': 'rate-limited',
  banned: 'banned',
  'bad-request': 'bad request',
  other: 'other',
};

/** The refusal counts, the bans (with time left) and the newest refusals, one line each. */
export function securityTable(security: SecurityView | null, now: string, width: number): Table {
  if (security === null) return { header: null, rows: [] };
  const counts = (Object.keys(REASON_WORDS) as SecurityReason[])
    .filter((r) => (security.counts[r] ?? 0) > 0)
    .map((r) => `${REASON_WORDS[r]} ${security.counts[r]}`);
  const rows: Row[] = [{ key: 'counts', text: truncate(`refusals: ${counts.length === 0 ? 'none' : counts.join(', ')}`, width), tone: 'plain' }];
  for (const ban of security.bans) {
    const left = ban.until === null ? 'until unbanned' : `for ${formatDuration(secondsBetween(now, ban.until))}`;
    rows.push({ key: `ban:${ban.ip}`, text: truncate(`BANNED ${sanitise(ban.ip, 45)} ${left} (${sanitise(ban.reason, 40)})`, width), tone: 'warn', ip: ban.ip });
  }
  security.recent.forEach((e, i) => {
    const text = `${formatClock(e.at)} ${e.role} ${sanitise(e.ip, 45)} ${REASON_WORDS[e.reason] ?? 'other'}: ${sanitise(e.code, 40)} ${sanitise(e.detail)}`;
    rows.push({ key: `event:${e.at}:${i}`, text: truncate(text, width), tone: 'plain', ip: e.ip });
  });
  return { header: null, rows };
}

const STREAM_MARK: Record<LogPage['lines'][number]['stream'], string> = { stdout: ' ', stderr: '!', supervisor: '*' };

/** Log lines newest last, "!" marking stderr and "*" the supervisor's own lines. */
export function logTable(page: LogPage | null, width: number): Table {
  const rows = (page?.lines ?? []).map((l, i) => ({
    key: `log:${i}`,
    text: truncate(`${formatClock(l.at)}${STREAM_MARK[l.stream] ?? ' '}${sanitise(l.text, 1000)}`, width),
    tone: (l.stream === 'stderr' ? 'warn' : 'plain') as Tone,
  }));
  return { header: null, rows };
}
