// The dashboard's "listener user" form as a value (like links-form.ts): a mount, a name and the
// password twice, typed masked; the one being typed into and the error of the last attempt.
// userFormKey is the whole key handling (pure); the password is checked as the control API checks
// it (contracts/htpasswd.ts), and only ever drawn as asterisks.
import { passwordProblem, userProblem } from '../contracts/htpasswd.ts';
import type { ListenerUserRequest, ListenerUserResult } from '../contracts/listener-users.ts';
import { isMount } from '../policies/classify.ts';
import { wrap } from './links-form.ts';
import { sanitise } from './sanitise.ts';

export interface UserFields {
  mount: string;
  name: string;
  password: string;
  repeat: string;
}

export type UserFieldId = keyof UserFields;

export const USER_FIELDS: readonly { id: UserFieldId; label: string; hint: string; masked: boolean }[] = [
  { id: 'mount', label: 'Mount', hint: 'a mount with auth: htpasswd', masked: false },
  { id: 'name', label: 'User name', hint: 'what the listener types as user', masked: false },
  { id: 'password', label: 'Password', hint: 'new user, or a new password', masked: true },
  { id: 'repeat', label: 'Again', hint: 'the same password', masked: true },
];

/** Longest text a field takes (a name is at most 255 characters, a password 72 bytes). */
const FIELD_MAX = 255;

export interface UserForm {
  readonly fields: UserFields;
  readonly focus: UserFieldId;
  readonly error: string | null;
  /** Sent, waiting for the answer: keys other than Esc do nothing. */
  readonly busy: boolean;
}

export function newUserForm(mount: string | null): UserForm {
  return { fields: { mount: mount ?? '', name: '', password: '', repeat: '' }, focus: mount === null ? 'mount' : 'name', error: null, busy: false };
}

/** The request the fields make, or the first field that is wrong and why (never quoting a password). */
export function userRequest(f: UserFields): { ok: true; request: ListenerUserRequest } | { ok: false; field: UserFieldId; error: string } {
  const mount = f.mount.trim();
  if (!isMount(mount)) return { ok: false, field: 'mount', error: `"${sanitise(mount, 60)}" is not a mount such as /live.mp3` };
  const named = userProblem(f.name);
  if (named !== null) return { ok: false, field: 'name', error: named };
  const problem = passwordProblem(f.password);
  if (problem !== null) return { ok: false, field: 'password', error: problem };
  if (f.repeat !== f.password) return { ok: false, field: 'repeat', error: 'the two passwords differ: type it again' };
  return { ok: true, request: { mount, name: f.name, password: f.password } };
}

export type UserFormStep = { kind: 'edit'; form: UserForm } | { kind: 'cancel' } | { kind: 'submit'; form: UserForm; request: ListenerUserRequest };

function move(form: UserForm, step: number): UserForm {
  const i = USER_FIELDS.findIndex((f) => f.id === form.focus);
  return { ...form, focus: USER_FIELDS[(i + step + USER_FIELDS.length) % USER_FIELDS.length]!.id };
}

/** One key, by blessed's name and the character typed. */
export function userFormKey(form: UserForm, name: string, ch: string | undefined): UserFormStep {
  if (name === 'escape') return { kind: 'cancel' };
  if (form.busy) return { kind: 'edit', form };
  if (name === 'tab' || name === 'down') return { kind: 'edit', form: move(form, 1) };
  if (name === 'S-tab' || name === 'up') return { kind: 'edit', form: move(form, -1) };
  if (name === 'enter') {
    const parsed = userRequest(form.fields);
    if (!parsed.ok) return { kind: 'edit', form: { ...form, focus: parsed.field, error: parsed.error } };
    return { kind: 'submit', form: { ...form, error: null, busy: true }, request: parsed.request };
  }
  const value = form.fields[form.focus];
  let next: string;
  if (name === 'backspace') next = [...value].slice(0, -1).join('');
  else if (name === 'C-u') next = '';
  else if (ch !== undefined && [...ch].length === 1 && ch >= ' ' && ch !== '\x7f') next = value.length < FIELD_MAX ? value + ch : value;
  else return { kind: 'edit', form };
  return { kind: 'edit', form: { ...form, fields: { ...form.fields, [form.focus]: next }, error: null } };
}

/** The form as lines of at most `width` characters; passwords as one "*" per character. */
export function userFormLines(form: UserForm, width: number): string[] {
  const labelWidth = Math.max(...USER_FIELDS.map((f) => f.label.length));
  const lines = USER_FIELDS.map((f) => {
    const focused = f.id === form.focus;
    const raw = form.fields[f.id];
    const value = f.masked ? '*'.repeat([...raw].length) : sanitise(raw, FIELD_MAX);
    const room = Math.max(1, width - labelWidth - 5);
    // The end of a long value stays in view while it is typed.
    const shown = value.length + 1 > room ? value.slice(value.length + 1 - room) : value;
    const text = `${focused ? '>' : ' '} ${f.label.padEnd(labelWidth)}: ${shown}${focused && !form.busy ? '_' : ''}`;
    return focused && raw === '' ? `${text}  (${f.hint})` : text;
  });
  lines.push('');
  if (form.busy) lines.push('saving...');
  else if (form.error !== null) lines.push(...wrap(`! ${sanitise(form.error, 300)}`, width));
  else lines.push('Enter saves (adds the user or changes its password), Tab next field, Esc cancels');
  return lines;
}

/** The words a refusal code of the control API (contracts/listener-users.ts) is explained with. */
export function userRefusalWords(code: string): string | null {
  switch (code) {
    case 'unknown-mount':
      return 'no such mount in the configuration';
    case 'mount-not-htpasswd':
      return 'this mount takes no passwords: set "auth: htpasswd" and a file on it in gateway.yaml and reload';
    case 'htpasswd-invalid':
      return 'fix or remove that line of the file first; nothing was changed';
    case 'unknown-user':
      return 'the file no longer has this user';
    case 'read-only':
      return 'the control API is read-only';
    case 'not-found':
      return 'this icegate start does not manage listener users yet (restart it with this version)';
    default:
      return null;
  }
}

const FIELD_OF_CODE: Record<string, UserFieldId> = { 'unknown-mount': 'mount', 'mount-not-htpasswd': 'mount', 'bad-user-name': 'name', 'bad-password': 'password' };

/** What the control API answered to a sent form: done (with its message), or the form with why not. */
export function userFormAnswer(
  form: UserForm,
  outcome: ListenerUserResult | { ok: false; error: { code: string; message: string } },
): { kind: 'done'; message: string } | { kind: 'user-form'; form: UserForm } {
  if (outcome.ok) return { kind: 'done', message: outcome.message };
  const why = userRefusalWords(outcome.error.code);
  const focus = FIELD_OF_CODE[outcome.error.code] ?? form.focus;
  return { kind: 'user-form', form: { ...form, busy: false, focus, error: `${outcome.error.message}${why === null ? '' : ` (${why})`}` } };
}
