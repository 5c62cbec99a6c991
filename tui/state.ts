// The dashboard's state as the rest of tui/ reads it: the types of its modes and selections, the
// control client as the dashboard needs it, and the read-only view the frame, the pane tables and
// the actions take. dashboard.ts holds the state and implements the view; nothing here imports it,
// so the frame and the actions stay functions of a view, not of the class.
import type { ActionResult, ListenersPage, LogPage, StateSnapshot } from '../contracts/control-api.ts';
import type { LinkCreateRequest, LinkResult, LinksPage, LinkView } from '../contracts/links.ts';
import type { ListenerUserRequest, ListenerUserResult, ListenerUsersPage } from '../contracts/listener-users.ts';
import type { Tone } from './format.ts';
import type { PaneId } from './layout.ts';
import type { LinkForm } from './links-form.ts';
import type { UserForm } from './users-form.ts';
import type { Connection, Row } from './view-model.ts';

/** What the dashboard needs of the control client (an interface, so tests can record calls). */
export interface Backend {
  listeners(mount: string): Promise<ListenersPage>;
  logs(component: string, tail?: number): Promise<LogPage>;
  kick(mount: string, id: number): Promise<ActionResult>;
  killSource(mount: string): Promise<ActionResult>;
  metadata(mount: string, title: string): Promise<ActionResult>;
  restart(component: string): Promise<ActionResult>;
  ban(ip: string, seconds: number | null): Promise<ActionResult>;
  unban(ip: string): Promise<ActionResult>;
  reload(): Promise<ActionResult>;
  links(): Promise<LinksPage>;
  createLink(request: LinkCreateRequest): Promise<LinkOutcome>;
  /** A revoked link as an action's result; `label` is for its message. */
  revokeLink(id: string, label: string): Promise<ActionResult>;
  listenerUsers(): Promise<ListenerUsersPage>;
  setListenerUser(request: ListenerUserRequest): Promise<UserOutcome>;
  deleteListenerUser(mount: string, name: string): Promise<ActionResult>;
}

/** What adding a listener user (or changing its password) comes to: done, or the refusal (or no answer). */
export type UserOutcome = ListenerUserResult | Extract<ActionResult, { ok: false }>;

/** What creating a link comes to: the link, or the control API's refusal (or no answer). */
export type LinkOutcome = LinkResult | Extract<ActionResult, { ok: false }>;

export type InputMode = { kind: 'input'; purpose: 'filter' | 'metadata' | 'ban'; prompt: string; value: string; pane: PaneId; target: string };

export type ConfirmMode = { kind: 'confirm'; question: string; label: string; run: () => Promise<ActionResult> };

/** The "new link" form (links-form.ts), and a link shown with its QR code (links-overlay.ts). */
export type LinkFormMode = { kind: 'link-form'; form: LinkForm };
export type LinkShownMode = { kind: 'link-shown'; link: LinkView };
/** The listener-user form (users-form.ts). */
export type UserFormMode = { kind: 'user-form'; form: UserForm };

export type Mode = { kind: 'normal' } | { kind: 'help' } | InputMode | ConfirmMode | LinkFormMode | LinkShownMode | UserFormMode;

export interface Selection {
  key: string | null;
  index: number;
}

export interface Message {
  text: string;
  tone: Tone;
}

/** The pane shown where only one secondary pane fits: the focused one, or the last one focused. */
export type Slot = Exclude<PaneId, 'mounts'>;

/** The data the panes' tables are made of. */
export interface PaneData {
  readonly snapshot: StateSnapshot | null;
  readonly listenersPage: ListenersPage | null;
  readonly logPage: LogPage | null;
  readonly linksPage: LinksPage | null;
  readonly usersPage: ListenerUsersPage | null;
}

/** The dashboard as the frame and the actions read it. */
export interface DashboardView extends PaneData {
  readonly connection: Connection;
  readonly focus: PaneId;
  readonly slot: Slot;
  readonly mode: Mode;
  readonly filters: Readonly<Record<PaneId, string>>;
  /** The first row in view, per pane: the frame keeps the selected row in view and writes it back. */
  readonly scroll: Record<PaneId, number>;
  readonly width: number;
  readonly height: number;
  readonly readOnly: boolean;
  /** The rows of a pane after its filter. */
  rows(pane: PaneId): Row[];
  /** The selected row of a pane, following its key when the rows changed. */
  selected(pane: PaneId): Row | null;
  /** The index of the selected row in rows(pane), or -1 when the pane is empty. */
  selectedIndex(pane: PaneId): number;
  selectedMount(): string | null;
  footer(): Message;
}
