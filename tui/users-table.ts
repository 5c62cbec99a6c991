// The Users pane as a table (pure, like links-table.ts): the listener users of the mounts with
// `auth: htpasswd` (contracts/listener-users.ts), one row per user per file, a file with no user
// (or that cannot be read) as one row saying so. Rows are keyed by file and name, so the selection
// follows a user. Names are the operator's (or a hand-edited file's) and pass through sanitise.
import type { ListenerUsersFile, ListenerUsersPage } from '../contracts/listener-users.ts';
import { fitColumns, headerLine, rowLine, type Column } from './columns.ts';
import { sanitise } from './sanitise.ts';
import type { Row, Table } from './view-model.ts';

/** One row: a user of a file, or a file without users (name null). */
interface UserRow {
  file: ListenerUsersFile;
  name: string | null;
}

/** What a row of the pane is about: the user, the mount an action on it goes to, its file. */
export interface UserTarget {
  name: string | null;
  mount: string;
  file: string;
}

const keyOf = (file: string, name: string | null): string => JSON.stringify([file, name]);

function fileWords(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? file : file.slice(slash + 1);
}

const COLUMNS: Column<UserRow>[] = [
  { header: 'USER', width: 16, drop: 0, flex: true, cell: (r) => (r.name === null ? `(${r.file.problem === null ? 'no users yet: a adds one' : sanitise(r.file.problem, 120)})` : sanitise(r.name)) },
  { header: 'MOUNTS', width: 14, drop: 0, flex: true, cell: (r) => r.file.mounts.map((m) => sanitise(m, 60)).join(' ') },
  { header: 'FILE', width: 18, drop: 1, cell: (r) => sanitise(fileWords(r.file.file), 80) },
];

function rowsOf(page: ListenerUsersPage | null): UserRow[] {
  return (page?.files ?? []).flatMap((file): UserRow[] => (file.users.length === 0 ? [{ file, name: null }] : file.users.map((u) => ({ file, name: u.name }))));
}

export function usersTable(page: ListenerUsersPage | null, width: number): Table {
  const fitted = fitColumns(COLUMNS, width);
  const rows: Row[] = rowsOf(page).map((r) => ({ key: keyOf(r.file.file, r.name), text: rowLine(fitted, r), tone: r.name === null && r.file.problem !== null ? 'warn' : 'plain' }));
  return { header: headerLine(fitted), rows };
}

/** The user (or file) a row key names, with the first mount of its file; null when none does. */
export function userTarget(page: ListenerUsersPage | null, key: string | null | undefined): UserTarget | null {
  const row = rowsOf(page).find((r) => keyOf(r.file.file, r.name) === key);
  const mount = row?.file.mounts[0];
  return row === undefined || mount === undefined ? null : { name: row.name, mount, file: row.file.file };
}

/** Every mount with `auth: htpasswd` the page lists. */
export function htpasswdMounts(page: ListenerUsersPage | null): string[] {
  return (page?.files ?? []).flatMap((f) => f.mounts);
}

/** The mount a new listener user goes to: the selected user's, else the selected mount when it has htpasswd, else the first htpasswd mount. */
export function userFormMount(page: ListenerUsersPage | null, selectedUserKey: string | null, selectedMount: string | null): string | null {
  const mounts = htpasswdMounts(page);
  const own = userTarget(page, selectedUserKey)?.mount;
  return own ?? (selectedMount !== null && mounts.includes(selectedMount) ? selectedMount : (mounts[0] ?? selectedMount));
}
