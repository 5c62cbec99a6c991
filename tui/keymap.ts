// Every key of the dashboard in one table: the key handler looks keys up here and the `?` help is
// printed from it, so the help cannot forget a key. Keys are blessed's names (key.full).
import type { PaneId } from './layout.ts';

export type Action =
  | 'quit'
  | 'help'
  | 'filter'
  | 'next-pane'
  | 'prev-pane'
  | 'up'
  | 'down'
  | 'page-up'
  | 'page-down'
  | 'top'
  | 'bottom'
  | 'open'
  | 'back'
  | 'kick'
  | 'kill-source'
  | 'restart'
  | 'ban'
  | 'unban'
  | 'metadata'
  | 'reload'
  | 'links'
  | 'new-link'
  | 'revoke-link'
  | 'users'
  | 'add-user'
  | 'delete-user';

export interface Binding {
  keys: readonly string[];
  /** How the help shows the keys. */
  label: string;
  action: Action;
  help: string;
  /** The pane it acts in; null = anywhere. */
  pane: PaneId | null;
  /** Changes something on the server: asks for confirmation, and is off in read-only mode. */
  changes: boolean;
  /** A word or two for the footer's hint line. */
  hint?: string;
}

export const KEYMAP: readonly Binding[] = [
  { keys: ['tab', 'right'], label: 'Tab/Right', action: 'next-pane', help: 'next pane', pane: null, changes: false },
  { keys: ['S-tab', 'left'], label: 'S-Tab/Left', action: 'prev-pane', help: 'previous pane', pane: null, changes: false },
  { keys: ['up', 'k'], label: 'Up/k', action: 'up', help: 'row up', pane: null, changes: false },
  { keys: ['down', 'j'], label: 'Down/j', action: 'down', help: 'row down', pane: null, changes: false },
  { keys: ['pageup'], label: 'PgUp', action: 'page-up', help: 'one page up', pane: null, changes: false },
  { keys: ['pagedown'], label: 'PgDn', action: 'page-down', help: 'one page down', pane: null, changes: false },
  { keys: ['home', 'g'], label: 'Home/g', action: 'top', help: 'first row', pane: null, changes: false },
  { keys: ['end', 'S-g'], label: 'End/G', action: 'bottom', help: 'last row', pane: null, changes: false },
  { keys: ['enter'], label: 'Enter', action: 'open', help: 'show listeners / log', pane: null, changes: false },
  { keys: ['/'], label: '/', action: 'filter', help: 'filter this pane', pane: null, changes: false },
  { keys: ['escape'], label: 'Esc', action: 'back', help: 'clear the filter', pane: null, changes: false },
  { keys: ['x'], label: 'x', action: 'kick', hint: 'kick', help: 'kick listener', pane: 'listeners', changes: true },
  { keys: ['S-x'], label: 'X', action: 'kill-source', hint: 'kill source', help: 'kill the source', pane: 'mounts', changes: true },
  { keys: ['m'], label: 'm', action: 'metadata', hint: 'title', help: 'set the title', pane: 'mounts', changes: true },
  { keys: ['r'], label: 'r', action: 'restart', hint: 'restart', help: 'restart', pane: 'health', changes: true },
  { keys: ['b'], label: 'b', action: 'ban', hint: 'ban', help: 'ban an address', pane: null, changes: true },
  { keys: ['u'], label: 'u', action: 'unban', hint: 'unban', help: 'lift a ban', pane: 'security', changes: true },
  { keys: ['S-r'], label: 'R', action: 'reload', hint: 'reload', help: 'reload gateway.yaml', pane: null, changes: true },
  { keys: ['l'], label: 'l', action: 'links', help: 'links: invitations to listen (Enter shows one with its QR code)', pane: null, changes: false },
  { keys: ['n'], label: 'n', action: 'new-link', hint: 'new link', help: 'new link: label, mount, lifetime', pane: 'links', changes: true },
  { keys: ['d'], label: 'd', action: 'revoke-link', hint: 'revoke', help: 'revoke a link (cuts its players)', pane: 'links', changes: true },
  { keys: ['p'], label: 'p', action: 'users', help: "listeners' passwords: the users of htpasswd mounts", pane: null, changes: false },
  { keys: ['a'], label: 'a', action: 'add-user', hint: 'add user', help: 'add a listener user, or change a password', pane: 'users', changes: true },
  { keys: ['S-d'], label: 'D', action: 'delete-user', hint: 'delete user', help: 'delete a listener user', pane: 'users', changes: true },
  { keys: ['?'], label: '?', action: 'help', help: 'this help', pane: null, changes: false },
  { keys: ['q', 'C-c'], label: 'q/C-c', action: 'quit', help: 'quit', pane: null, changes: false },
];

export function bindingFor(key: string): Binding | null {
  return KEYMAP.find((b) => b.keys.includes(key)) ?? null;
}

const PANE_WORDS: Record<PaneId, string> = { mounts: 'Mounts', health: 'Health', listeners: 'Listeners', security: 'Security', log: 'Log', links: 'Links', users: 'Users' };

/** The `?` screen: one line per binding, then how confirmation and read-only work. */
export function helpLines(readOnly: boolean): string[] {
  const width = Math.max(...KEYMAP.map((b) => b.label.length));
  const lines = KEYMAP.map((b) => {
    const where = b.changes && readOnly ? ' (off)' : b.pane === null ? '' : ` (${PANE_WORDS[b.pane]})`;
    return `${b.label.padEnd(width)}  ${b.help}${where}`;
  });
  lines.push('Changes ask first: y or Enter confirms, any other key cancels.');
  if (readOnly) lines.push('Read-only: the keys marked (off) do nothing.');
  return lines;
}

/** The footer's short hint for a pane (k9s / pm2 monit style). */
export function hintLine(pane: PaneId, readOnly: boolean): string {
  const here = readOnly ? [] : KEYMAP.filter((b) => b.changes && (b.pane === pane || b.pane === null)).map((b) => `${b.label} ${b.hint ?? b.help}`);
  return ['Tab pane', '/ filter', ...here, '? help', 'q quit'].join('  ');
}
