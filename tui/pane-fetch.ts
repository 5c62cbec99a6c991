// What the panes on screen show beyond the snapshot, fetched from the control API: the listeners
// of the selected mount, the log of the selected component, the links, the listener users. Only
// for the panes in view, so a hidden pane costs no request. A failed read leaves its page out
// (the pane keeps what it had).
import type { ListenersPage, LogPage, StateSnapshot } from '../contracts/control-api.ts';
import type { LinksPage } from '../contracts/links.ts';
import type { ListenerUsersPage } from '../contracts/listener-users.ts';
import type { PaneId } from './layout.ts';
import type { Backend } from './state.ts';

export interface FetchedPages {
  listenersPage?: ListenersPage;
  logPage?: LogPage;
  linksPage?: LinksPage;
  usersPage?: ListenerUsersPage;
}

export interface FetchScope {
  visible: readonly PaneId[];
  snapshot: StateSnapshot | null;
  mount: string | null;
  component: string | null;
}

export async function fetchPanes(scope: FetchScope, backend: Backend): Promise<FetchedPages> {
  const got: FetchedPages = {};
  const { visible, mount, component } = scope;
  if (visible.includes('listeners') && mount !== null) {
    // The snapshot counts every mount's listeners: with none there is nothing to ask for.
    const view = scope.snapshot?.mounts.find((m) => m.mount === mount);
    const idle = view === undefined || view.listeners === 0;
    const page = idle ? { mount, total: 0, listeners: [] } : await backend.listeners(mount).catch(() => null);
    if (page !== null) got.listenersPage = page;
  }
  if (visible.includes('log') && component !== null) {
    const page = await backend.logs(component, 200).catch(() => null);
    if (page !== null) got.logPage = page;
  }
  if (visible.includes('links')) {
    const page = await backend.links().catch(() => null);
    if (page !== null) got.linksPage = page;
  }
  if (visible.includes('users')) {
    const page = await backend.listenerUsers().catch(() => null);
    if (page !== null) got.usersPage = page;
  }
  return got;
}
