// The dashboard's state and what each key does, apart from any terminal: the blessed layer
// (screen.ts) passes key names in and paints buildFrame(dashboard) (frame.ts); what an action key
// asks for is decided in actions.ts. Data arrives from the control client;
// the listeners of the selected mount and the log of the selected component are polled only
// while their pane is on screen.
import type { ActionResult, ListenersPage, LogPage, StateSnapshot } from '../contracts/control-api.ts';
import type { LinksPage } from '../contracts/links.ts';
import type { ListenerUsersPage } from '../contracts/listener-users.ts';
import { actionStep, submitStep, type Step } from './actions.ts';
import type { Tone } from './format.ts';
import { bindingFor, hintLine, type Action } from './keymap.ts';
import { layout, PANES, type PaneId } from './layout.ts';
import { formAnswer, formKey, newLinkForm, type LinkForm } from './links-form.ts';
import { fetchPanes, type FetchedPages } from './pane-fetch.ts';
import { paneTable } from './panes.ts';
import { sanitise } from './sanitise.ts';
import type { Backend, DashboardView, InputMode, Message, Mode, Selection, Slot } from './state.ts';
import { newUserForm, userFormAnswer, userFormKey, type UserForm } from './users-form.ts';
import { userFormMount } from './users-table.ts';
import { promptKey } from './prompt-input.ts';
import type { Connection, Row } from './view-model.ts';

export class Dashboard implements DashboardView {
  snapshot: StateSnapshot | null = null;
  connection: Connection = { state: 'connecting' };
  listenersPage: ListenersPage | null = null;
  logPage: LogPage | null = null;
  linksPage: LinksPage | null = null;
  usersPage: ListenerUsersPage | null = null;
  focus: PaneId = 'mounts';
  slot: Slot = 'listeners';
  mode: Mode = { kind: 'normal' };
  message: Message | null = null;
  readonly selection: Record<PaneId, Selection> = {
    mounts: { key: null, index: 0 },
    health: { key: null, index: 0 },
    listeners: { key: null, index: 0 },
    security: { key: null, index: 0 },
    log: { key: null, index: Number.MAX_SAFE_INTEGER },
    links: { key: null, index: 0 },
    users: { key: null, index: 0 },
  };
  readonly scroll: Record<PaneId, number> = { mounts: 0, health: 0, listeners: 0, security: 0, log: 0, links: 0, users: 0 };
  readonly filters: Record<PaneId, string> = { mounts: '', health: '', listeners: '', security: '', log: '', links: '', users: '' };
  width = 80;
  height = 24;
  #timer: NodeJS.Timeout | null = null;
  #polling = false;
  /** A poll was asked for while one ran (a pane came into view): it runs again after. */
  #again = false;

  constructor(
    private readonly backend: Backend,
    private readonly options: { readOnly: boolean; pollMs?: number; onChange: () => void },
  ) {}

  get readOnly(): boolean {
    return this.options.readOnly || this.snapshot?.supervisor.readOnly === true;
  }

  start(): void {
    this.#timer = setInterval(() => void this.poll(), this.options.pollMs ?? 2000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  setSnapshot(snapshot: StateSnapshot): void {
    const first = this.snapshot === null;
    this.snapshot = snapshot;
    this.options.onChange();
    if (first) void this.poll();
  }

  setConnection(connection: Connection): void {
    this.connection = connection;
    this.options.onChange();
  }

  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.options.onChange();
  }

  /** The text width of a pane's rows: its width less the selection marker's column. */
  paneWidth(pane: PaneId): number {
    const l = layout(this.width, this.height, this.slot);
    return (l.kind === 'panes' ? (l.panes[pane]?.width ?? this.width) : this.width) - 1;
  }

  /** The panes on screen now. */
  visible(): PaneId[] {
    const l = layout(this.width, this.height, this.slot);
    return l.kind === 'panes' ? PANES.filter((p) => l.panes[p] !== undefined) : [];
  }

  /** The rows of a pane after its filter. */
  rows(pane: PaneId): Row[] {
    const rows = paneTable(this, pane, this.paneWidth(pane)).rows;
    const filter = this.filters[pane].toLowerCase();
    return filter === '' ? rows : rows.filter((r) => r.text.toLowerCase().includes(filter));
  }

  /** The selected row of a pane, following its key when the rows changed. */
  selected(pane: PaneId): Row | null {
    return this.rows(pane)[this.selectedIndex(pane)] ?? null;
  }

  /** The index of the selected row in rows(pane), or -1 when the pane is empty. */
  selectedIndex(pane: PaneId): number {
    const rows = this.rows(pane);
    if (rows.length === 0) return -1;
    const sel = this.selection[pane];
    // Log keys are positions, not identities: the log follows its index (or its end).
    const byKey = sel.key === null || pane === 'log' ? -1 : rows.findIndex((r) => r.key === sel.key);
    return byKey !== -1 ? byKey : Math.min(sel.index, rows.length - 1);
  }

  selectedMount(): string | null {
    return this.selected('mounts')?.key ?? this.snapshot?.mounts[0]?.mount ?? null;
  }

  selectedComponent(): string | null {
    const key = this.selected('health')?.key ?? null;
    if (key !== null && key.startsWith('component:')) return key.slice('component:'.length);
    return this.snapshot?.components[0]?.name ?? null;
  }

  /** Fetches what the visible panes show beyond the snapshot; redraws only when it changed. */
  async poll(): Promise<void> {
    if (this.#polling) this.#again = true;
    if (this.#polling || this.connection.state !== 'connected') return;
    this.#polling = true;
    try {
      const got = await fetchPanes({ visible: this.visible(), snapshot: this.snapshot, mount: this.selectedMount(), component: this.selectedComponent() }, this.backend);
      for (const key of Object.keys(got) as (keyof FetchedPages)[]) {
        if (JSON.stringify(got[key]) === JSON.stringify(this[key])) continue;
        (this as Record<keyof FetchedPages, unknown>)[key] = got[key];
        this.options.onChange();
      }
    } finally {
      const again = this.#again;
      this.#polling = this.#again = false;
      if (again) void this.poll();
    }
  }

  footer(): Message {
    const m = this.mode;
    if (m.kind === 'input') return { text: `${m.prompt}${m.value}_`, tone: 'plain' };
    if (m.kind === 'confirm') return { text: `${m.question} [y/N]`, tone: 'warn' };
    if (this.message !== null) return this.message;
    return { text: hintLine(this.focus, this.readOnly), tone: 'plain' };
  }

  /** One key, by blessed's name (key.full) and the character typed. Returns 'quit' to leave. */
  key(name: string, ch?: string): 'quit' | undefined {
    // blessed reports a CR twice, as "enter" and then as "return": only the first counts.
    if (name === 'return') return undefined;
    const mode = this.mode;
    if (mode.kind === 'help' || mode.kind === 'link-shown') {
      this.mode = { kind: 'normal' };
      this.options.onChange();
      return undefined;
    }
    if (mode.kind === 'confirm') {
      this.mode = { kind: 'normal' };
      if (name === 'y' || name === 'S-y' || name === 'enter') void this.#run(mode.label, mode.run);
      else this.#say(`cancelled: ${mode.label}`, 'plain');
      this.options.onChange();
      return undefined;
    }
    if (mode.kind === 'link-form' || mode.kind === 'user-form') {
      if (mode.kind === 'link-form') this.#linkForm(mode.form, name, ch);
      else this.#userForm(mode.form, name, ch);
      this.options.onChange();
      return undefined;
    }
    if (mode.kind === 'input') {
      this.#input(mode, name, ch);
      this.options.onChange();
      return undefined;
    }
    if (name === 'C-c') return 'quit';
    const binding = bindingFor(name);
    if (binding === null) return undefined;
    this.message = null;
    const result = this.#act(binding.action, binding.changes);
    this.options.onChange();
    return result;
  }

  #act(action: Action, changes: boolean): 'quit' | undefined {
    if (changes && this.readOnly) {
      this.#say('read-only: actions are off', 'warn');
      return undefined;
    }
    switch (action) {
      case 'quit':
        return 'quit';
      case 'help':
        this.mode = { kind: 'help' };
        break;
      case 'next-pane':
      case 'prev-pane':
        this.#cycle(action === 'next-pane' ? 1 : -1);
        break;
      case 'up':
      case 'down':
        this.#move(action === 'up' ? -1 : 1);
        break;
      case 'page-up':
      case 'page-down':
        this.#move((action === 'page-up' ? -1 : 1) * Math.max(1, this.height - 8));
        break;
      case 'top':
      case 'bottom':
        this.#move(action === 'top' ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER);
        break;
      case 'open':
        this.#open();
        break;
      case 'back':
        this.filters[this.focus] = '';
        break;
      case 'links':
        this.focusPane('links');
        break;
      case 'new-link':
        this.mode = { kind: 'link-form', form: newLinkForm(this.selectedMount()) };
        break;
      case 'users':
        this.focusPane('users');
        break;
      case 'add-user':
        this.mode = { kind: 'user-form', form: newUserForm(userFormMount(this.usersPage, this.focus === 'users' ? (this.selected('users')?.key ?? null) : null, this.selectedMount())) };
        this.focusPane('users');
        break;
      case 'filter':
        this.mode = { kind: 'input', purpose: 'filter', prompt: 'filter: ', value: this.filters[this.focus], pane: this.focus, target: '' };
        break;
      default:
        this.#apply(actionStep(this, this.backend, action));
    }
    return undefined;
  }

  #cycle(step: number): void {
    const i = PANES.indexOf(this.focus);
    this.focusPane(PANES[(i + step + PANES.length) % PANES.length]!);
  }

  focusPane(pane: PaneId): void {
    this.focus = pane;
    if (pane !== 'mounts') this.slot = pane;
    void this.poll();
  }

  #move(delta: number): void {
    const rows = this.rows(this.focus);
    if (rows.length === 0) return;
    const from = Math.max(0, this.selectedIndex(this.focus));
    const to = Math.max(0, Math.min(rows.length - 1, from + delta));
    // The log follows new lines while its last line is selected, as `tail -f` does.
    const follow = this.focus === 'log' && to === rows.length - 1;
    this.selection[this.focus] = { key: rows[to]!.key, index: follow ? Number.MAX_SAFE_INTEGER : to };
    if (this.focus === 'mounts') this.listenersPage = null;
    if (this.focus === 'health') this.logPage = null;
    if (this.focus === 'mounts' || this.focus === 'health') void this.poll();
  }

  #open(): void {
    if (this.focus === 'mounts') this.focusPane('listeners');
    else if (this.focus === 'health') this.focusPane('log');
    const link = this.focus === 'links' ? this.linksPage?.links.find((l) => l.id === this.selected('links')?.key) : undefined;
    if (link !== undefined) this.mode = { kind: 'link-shown', link };
  }

  /** The "new link" form: keys edit it; once sent, the answer shows the link or the refusal. */
  #linkForm(form: LinkForm, name: string, ch: string | undefined): void {
    const step = formKey(form, name, ch);
    this.mode = step.kind === 'cancel' ? { kind: 'normal' } : { kind: 'link-form', form: step.form };
    if (step.kind !== 'submit') return;
    void this.backend.createLink(step.request).then((outcome) => {
      // Esc while it was sent: the link is made all the same, and the pane lists it.
      if (this.mode.kind === 'link-form') this.mode = formAnswer(step.form, outcome);
      else if (outcome.ok) this.#say(`link "${sanitise(outcome.link.label, 40)}" made (l lists it)`, 'good');
      this.options.onChange();
      void this.poll();
    });
  }

  /** The listener-user form: keys edit it; once sent, the answer closes it or shows the refusal. */
  #userForm(form: UserForm, name: string, ch: string | undefined): void {
    const step = userFormKey(form, name, ch);
    this.mode = step.kind === 'cancel' ? { kind: 'normal' } : { kind: 'user-form', form: step.form };
    if (step.kind !== 'submit') return;
    void this.backend.setListenerUser(step.request).then((outcome) => {
      const answer = userFormAnswer(step.form, outcome);
      if (answer.kind === 'done') {
        if (this.mode.kind === 'user-form') this.mode = { kind: 'normal' };
        this.#say(sanitise(answer.message, 200), 'good');
      } else if (this.mode.kind === 'user-form') this.mode = answer;
      this.options.onChange();
      void this.poll();
    });
  }

  /** The footer's prompt: a filter applies as it is typed, a title or a ban once submitted. */
  #input(mode: InputMode, name: string, ch: string | undefined): void {
    const step = promptKey(mode.value, name, ch);
    if (step.kind === 'none') return;
    this.mode = step.kind === 'edit' ? { ...mode, value: step.value } : { kind: 'normal' };
    if (mode.purpose === 'filter') this.filters[mode.pane] = step.kind === 'cancel' ? '' : step.kind === 'edit' ? step.value : mode.value;
    else if (step.kind === 'submit') this.#apply(submitStep(mode, this.backend));
  }

  #apply(step: Step): void {
    if (step.kind === 'mode') this.mode = step.mode;
    else if (step.kind === 'say') this.#say(step.text, step.tone);
  }

  async #run(label: string, run: () => Promise<ActionResult>): Promise<void> {
    this.#say(`${label}: working...`, 'plain');
    const result = await run();
    if (result.ok) this.#say(`${label}: ${sanitise(result.message, 200) || 'done'}`, 'good');
    else this.#say(`${label} failed: ${sanitise(result.error.message, 200)} (${sanitise(result.error.code, 40)})`, 'bad');
    if (result.ok && result.snapshot !== undefined) this.snapshot = result.snapshot;
    this.options.onChange();
    void this.poll();
  }

  #say(text: string, tone: Tone): void {
    this.message = { text, tone };
  }
}
