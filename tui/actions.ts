// What an action key (and a submitted prompt) leads to, as a value: a question to confirm, a
// prompt to fill in, or a message. A function of the dashboard's view, so the dashboard only
// applies the step; nothing changes on the server before the operator confirmed.
import { banLengthWords, parseBanInput } from './ban-input.ts';
import type { Tone } from './format.ts';
import type { Action } from './keymap.ts';
import type { PaneId } from './layout.ts';
import { sanitise } from './sanitise.ts';
import { userTarget } from './users-table.ts';
import type { Backend, ConfirmMode, DashboardView, InputMode } from './state.ts';

export type Step = { kind: 'mode'; mode: InputMode | ConfirmMode } | { kind: 'say'; text: string; tone: Tone } | { kind: 'none' };

const NONE: Step = { kind: 'none' };

function say(text: string, tone: Tone): Step {
  return { kind: 'say', text, tone };
}

function confirm(question: string, label: string, run: ConfirmMode['run']): Step {
  return { kind: 'mode', mode: { kind: 'confirm', question, label, run } };
}

function input(purpose: InputMode['purpose'], prompt: string, value: string, pane: PaneId, target = ''): Step {
  return { kind: 'mode', mode: { kind: 'input', purpose, prompt, value, pane, target } };
}

function needs(what: string, pane: PaneId): Step {
  return say(`${what}: select one in the ${pane} pane first (Tab)`, 'warn');
}

/** The step of an action that changes something on the server (keymap: `changes`). */
export function actionStep(d: DashboardView, backend: Backend, action: Action): Step {
  switch (action) {
    case 'kick': {
      const row = d.focus === 'listeners' ? d.selected('listeners') : null;
      const listener = d.listenersPage?.listeners.find((l) => String(l.id) === row?.key);
      const mount = d.listenersPage?.mount;
      if (listener === undefined || mount === undefined) return needs('kick', 'listeners');
      return confirm(
        `Kick listener ${listener.id} (${sanitise(listener.ip, 45)}, ${sanitise(listener.userAgent, 30)}) from ${sanitise(mount)}?`,
        `kick listener ${listener.id}`,
        () => backend.kick(mount, listener.id),
      );
    }
    case 'kill-source':
    case 'metadata': {
      const mount = d.focus === 'mounts' ? d.snapshot?.mounts.find((m) => m.mount === d.selected('mounts')?.key) : undefined;
      if (mount === undefined) return needs(action === 'kill-source' ? 'kill source' : 'title', 'mounts');
      if (action === 'metadata') return input('metadata', `title of ${sanitise(mount.mount)}: `, sanitise(mount.title, 200), 'mounts', mount.mount);
      if (!mount.live) return say(`${sanitise(mount.mount)} has no source to kill`, 'warn');
      const from = mount.sourceIp === null ? '' : ` (${sanitise(mount.sourceIp, 45)})`;
      return confirm(`Kill the source of ${sanitise(mount.mount)}${from}?`, `kill source of ${sanitise(mount.mount)}`, () => backend.killSource(mount.mount));
    }
    case 'restart': {
      const name = d.focus === 'health' ? d.selected('health')?.key : undefined;
      const component = d.snapshot?.components.find((c) => `component:${c.name}` === name);
      if (component === undefined) return needs('restart', 'health');
      const pid = component.pid === null ? '' : ` (pid ${component.pid})`;
      return confirm(`Restart ${sanitise(component.name)}${pid}?`, `restart ${sanitise(component.name)}`, () => backend.restart(component.name));
    }
    case 'ban': {
      const ip = d.focus === 'listeners' || d.focus === 'security' ? d.selected(d.focus)?.ip : undefined;
      return input('ban', 'ban address [duration]: ', ip === undefined ? '' : `${sanitise(ip, 45)} 1h`, d.focus);
    }
    case 'unban': {
      const row = d.focus === 'security' ? d.selected('security') : null;
      if (row === null || !row.key.startsWith('ban:') || row.ip === undefined) return needs('unban', 'security');
      const ip = row.ip;
      return confirm(`Lift the ban on ${sanitise(ip, 45)}?`, `unban ${sanitise(ip, 45)}`, () => backend.unban(ip));
    }
    case 'reload':
      return confirm('Reload the configuration file?', 'reload', () => backend.reload());
    case 'revoke-link': {
      const row = d.focus === 'links' ? d.selected('links') : null;
      const link = d.linksPage?.links.find((l) => l.id === row?.key);
      if (link === undefined) return needs('revoke', 'links');
      const label = `"${sanitise(link.label, 40)}"`;
      if (link.revoked) return say(`the link ${label} is already revoked`, 'warn');
      const players = link.listeners === 0 ? 'nobody listens with it now' : link.listeners === 1 ? 'its 1 player is cut off' : `its ${link.listeners} players are cut off`;
      return confirm(`Revoke the link ${label} to ${sanitise(link.mount)} (${players})?`, `revoke ${label}`, () => backend.revokeLink(link.id, link.label));
    }
    case 'delete-user': {
      const user = d.focus === 'users' ? userTarget(d.usersPage, d.selected('users')?.key) : null;
      if (user === null || user.name === null) return needs('delete user', 'users');
      const name = user.name;
      const file = d.usersPage?.files.find((f) => f.file === user.file);
      const mounts = (file?.mounts ?? [user.mount]).map((m) => sanitise(m, 60)).join(', ');
      return confirm(`Delete listener "${sanitise(name, 40)}" from ${mounts} (players connected now keep playing)?`, `delete "${sanitise(name, 40)}"`, () => backend.deleteListenerUser(user.mount, name));
    }
    default:
      return NONE;
  }
}

/** The step of a submitted title or ban prompt (a filter applies as it is typed). */
export function submitStep(mode: InputMode, backend: Backend): Step {
  if (mode.purpose === 'filter') return NONE;
  if (mode.purpose === 'metadata') {
    const title = mode.value.trim();
    const mount = mode.target;
    return confirm(`Set the title of ${sanitise(mount)} to "${sanitise(title, 60)}"?`, `title of ${sanitise(mount)}`, () => backend.metadata(mount, title));
  }
  const parsed = parseBanInput(mode.value);
  if (!parsed.ok) return say(`ban: ${parsed.error}`, 'bad');
  return confirm(`Ban ${parsed.ip} ${banLengthWords(parsed.seconds)} and close its connections?`, `ban ${parsed.ip}`, () => backend.ban(parsed.ip, parsed.seconds));
}
