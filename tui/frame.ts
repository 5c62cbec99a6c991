// Everything on screen as plain lines with a tone: the header, each visible pane (title row,
// column headings, the rows in view, the selected one marked ">"), the footer, and an overlay
// for the help. The blessed layer only paints this; comparing two frames tells whether anything
// changed, so the screen is redrawn only then (pm2 monit's fixed render timer is the
// anti-pattern, docs/supervision.md#the-dashboard). A function of the dashboard's view (state.ts).
import type { Tone } from './format.ts';
import { helpLines, KEYMAP } from './keymap.ts';
import { layout, PANES, type PaneId, type Rect } from './layout.ts';
import { formOverlay, linkOverlay } from './links-overlay.ts';
import { userFormOverlay } from './users-overlay.ts';
import { fit, sanitise, truncate } from './sanitise.ts';
import { paneTable } from './panes.ts';
import type { DashboardView } from './state.ts';
import { verdict, verdictTone, headerLines } from './view-model.ts';

/** 'qr': a QR code's rows, painted white on black where colour is on (tui/qr.ts). */
export type Emphasis = 'none' | 'title' | 'focused-title' | 'columns' | 'selected' | 'dim' | 'qr';

export interface Line {
  text: string;
  tone: Tone;
  emphasis: Emphasis;
}

export interface Block {
  id: string;
  rect: Rect;
  lines: Line[];
}

export type Frame = { kind: 'too-small'; message: string } | { kind: 'panes'; blocks: Block[] };

const EMPTY: Record<PaneId, string> = {
  mounts: 'no mounts',
  health: 'no components',
  listeners: 'no listeners',
  security: 'nothing to report',
  log: 'no log lines',
  links: 'no links yet: n makes one',
  users: 'no mount has auth: htpasswd (gateway.mounts in gateway.yaml)',
};

function title(d: DashboardView, pane: PaneId): string {
  const s = d.snapshot;
  switch (pane) {
    case 'mounts':
      return `Mounts (${s?.mounts.length ?? 0})`;
    case 'health':
      return 'Health';
    case 'listeners': {
      const page = d.listenersPage;
      return page === null ? 'Listeners' : `Listeners of ${sanitise(page.mount, 60)} (${page.total}${page.total > page.listeners.length ? `, ${page.listeners.length} shown` : ''})`;
    }
    case 'security': {
      const bans = s?.security.bans.length ?? 0;
      return `Security (${bans} ban${bans === 1 ? '' : 's'})`;
    }
    case 'log':
      return d.logPage === null ? 'Log' : `Log of ${sanitise(d.logPage.component, 40)}`;
    case 'links':
      return d.linksPage === null ? 'Links' : `Links (${d.linksPage.links.length})`;
    case 'users': {
      const files = d.usersPage?.files;
      return files === undefined ? "Users (listeners' passwords)" : `Users (${files.reduce((n, f) => n + f.users.length, 0)} in ${files.length} file${files.length === 1 ? '' : 's'})`;
    }
  }
}

function titleLine(text: string, focused: boolean, width: number): Line {
  // "==" for the focused pane, "--" for the others: readable without colour or inverse video.
  const rule = focused ? '=' : '-';
  return { text: truncate(`${rule}${rule} ${text} `, width).padEnd(width, rule), tone: 'plain', emphasis: focused ? 'focused-title' : 'title' };
}

function paneBlock(d: DashboardView, pane: PaneId, rect: Rect): Block {
  const focused = d.focus === pane;
  const filter = d.filters[pane];
  const lines: Line[] = [titleLine(`${title(d, pane)}${filter === '' ? '' : ` [filter: ${sanitise(filter, 30)}]`}`, focused, rect.width)];
  const table = paneTable(d, pane, rect.width - 1);
  if (table.header !== null && rect.height > 2) lines.push({ text: fit(` ${table.header}`, rect.width), tone: 'plain', emphasis: 'columns' });
  const rows = d.rows(pane);
  const room = Math.max(0, rect.height - lines.length);
  const selected = d.selectedIndex(pane);
  let offset = d.scroll[pane];
  if (selected !== -1 && selected < offset) offset = selected;
  if (selected >= offset + room) offset = selected - room + 1;
  offset = Math.max(0, Math.min(offset, rows.length - room));
  d.scroll[pane] = offset;
  if (rows.length === 0 && room > 0) {
    const why = d.snapshot === null ? 'waiting for data' : pane === 'listeners' && d.selectedMount() === null ? 'select a mount' : EMPTY[pane];
    lines.push({ text: fit(` ${why}`, rect.width), tone: 'plain', emphasis: 'dim' });
  }
  rows.slice(offset, offset + room).forEach((row, i) => {
    const isSelected = offset + i === selected;
    lines.push({ text: fit(`${isSelected ? '>' : ' '}${row.text}`, rect.width), tone: row.tone, emphasis: isSelected && focused ? 'selected' : 'none' });
  });
  while (lines.length < rect.height) lines.push({ text: ' '.repeat(rect.width), tone: 'plain', emphasis: 'none' });
  return { id: pane, rect, lines: lines.slice(0, rect.height) };
}

export function buildFrame(d: DashboardView): Frame {
  const l = layout(d.width, d.height, d.slot);
  if (l.kind === 'too-small') return { kind: 'too-small', message: l.message };
  const [first, second] = headerLines(d.snapshot, d.connection, d.width, d.readOnly);
  const v = verdict(d.snapshot, d.connection);
  const blocks: Block[] = [
    {
      id: 'header',
      rect: l.header,
      lines: [
        { text: fit(first, d.width), tone: verdictTone(v), emphasis: 'none' },
        { text: fit(second, d.width), tone: 'plain', emphasis: 'none' },
      ],
    },
  ];
  for (const pane of PANES) {
    const rect = l.panes[pane];
    if (rect !== undefined) blocks.push(paneBlock(d, pane, rect));
  }
  const footer = d.footer();
  blocks.push({ id: 'footer', rect: l.footer, lines: [{ text: fit(footer.text, d.width), tone: footer.tone, emphasis: 'none' }] });
  if (d.mode.kind === 'help') blocks.push(helpBlock(d));
  if (d.mode.kind === 'link-form') blocks.push(formOverlay(d.mode.form, d.width, d.height));
  if (d.mode.kind === 'user-form') blocks.push(userFormOverlay(d.mode.form, d.width, d.height));
  if (d.mode.kind === 'link-shown') blocks.push(linkOverlay(d.mode.link, d.snapshot?.now ?? new Date().toISOString(), d.width, d.height));
  return { kind: 'panes', blocks };
}

function helpBlock(d: DashboardView): Block {
  const all = helpLines(d.readOnly);
  const keys = all.slice(0, KEYMAP.length);
  const notes = all.slice(KEYMAP.length);
  let width = Math.min(d.width - 2, Math.max(...all.map((t) => t.length)) + 4);
  let body = [...keys, ...notes];
  // At 80x24 one column does not fit every key: two columns do, and `?` must show every key.
  if (body.length + 2 > d.height - 2) {
    width = d.width - 2;
    const half = Math.ceil(keys.length / 2);
    const column = Math.floor((width - 3) / 2);
    body = keys.slice(0, half).map((k, i) => `${fit(k, column)} ${keys[half + i] ?? ''}`);
    body.push(...notes);
  }
  const height = Math.min(d.height - 2, body.length + 2);
  const rect = { top: Math.max(0, Math.floor((d.height - height) / 2)), left: Math.max(0, Math.floor((d.width - width) / 2)), width, height };
  const lines: Line[] = [{ text: fit(' Keys (any key closes)', width), tone: 'plain', emphasis: 'focused-title' }];
  for (const t of body.slice(0, height - 1)) lines.push({ text: fit(` ${t}`, width), tone: 'plain', emphasis: 'none' });
  while (lines.length < height) lines.push({ text: ' '.repeat(width), tone: 'plain', emphasis: 'none' });
  return { id: 'help', rect, lines };
}
