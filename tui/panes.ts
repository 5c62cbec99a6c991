// Which table each pane shows, from the dashboard's data.
import type { PaneId } from './layout.ts';
import { linksTable } from './links-table.ts';
import { usersTable } from './users-table.ts';
import type { PaneData } from './state.ts';
import { healthTable, listenersTable, logTable, mountsTable, securityTable, type Table } from './view-model.ts';

export function paneTable(d: PaneData, pane: PaneId, width: number): Table {
  const s = d.snapshot;
  switch (pane) {
    case 'mounts':
      return mountsTable(s, width);
    case 'health':
      return healthTable(s, width);
    case 'listeners':
      return listenersTable(d.listenersPage, width);
    case 'security':
      return securityTable(s?.security ?? null, s?.now ?? new Date(0).toISOString(), width);
    case 'log':
      return logTable(d.logPage, width);
    case 'links':
      return linksTable(d.linksPage, s?.now ?? new Date(0).toISOString(), width);
    case 'users':
      return usersTable(d.usersPage, width);
  }
}
