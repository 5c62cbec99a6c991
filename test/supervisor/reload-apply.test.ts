// A reload is all or nothing: the table says which components refuse, and what each component
// must have been asked, in order, and what the reload answers.
import test from 'ava';
import { parseConfigText } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { applyReload, RefusedBy, type LiveComponent, type ReloadTargets } from '../../supervisor/reload-apply.ts';
import { planReload } from '../../supervisor/reload.ts';

function config(yaml: string): Config {
  const r = parseConfigText(yaml, 'test.yaml', '/srv/icegate');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

const old = config('relay: {limits: {clients: 10}}\n');
const relayLive = config('relay: {limits: {clients: 20}}\n');
const bothLive = config('relay: {limits: {clients: 20}}\ngateway: {limits: {headerTimeout: 5}}\n');
const gatewayLive = config('relay: {limits: {clients: 10}}\ngateway: {limits: {headerTimeout: 5}}\n');
const liveAndRestart = config('relay: {limits: {clients: 20}}\ngateway: {listener: {port: 9000}}\n');

interface Fakes {
  /** Components that refuse the new configuration live. */
  refuse?: LiveComponent[];
  /** Components that also refuse to go back to the old one. */
  refuseRollback?: LiveComponent[];
  /** The restart step fails: a RefusedBy for this component, or a plain error. */
  restartFails?: string | Error;
}

function targets(f: Fakes, calls: string[]): ReloadTargets {
  return {
    async live(name, c) {
      const back = c === old;
      calls.push(`${name} ${back ? 'old' : 'new'}`);
      if (!back && f.refuse?.includes(name)) throw new Error(`${name} says no`);
      if (back && f.refuseRollback?.includes(name)) throw new Error(`${name} stuck`);
    },
    async restart(plan) {
      calls.push(`restart relay:${plan.relay} gateway:${plan.gateway}`);
      if (typeof f.restartFails === 'string') throw new RefusedBy(f.restartFails, 'exited with code 1 before it was ready');
      if (f.restartFails) throw f.restartFails;
    },
  };
}

const rows: [string, Config, Fakes, string[], { ok: boolean; component?: string; reason?: RegExp; note?: RegExp }][] = [
  ['nothing changed: nothing asked', old, {}, ['restart relay:unchanged gateway:unchanged'], { ok: true }],
  ['relay live, accepted', relayLive, {}, ['relay new', 'restart relay:live gateway:unchanged'], { ok: true }],
  ['relay live, refused: no restart, nothing else asked', relayLive, { refuse: ['relay'] }, ['relay new'], { ok: false, component: 'relay', reason: /relay says no/ }],
  ['both live, both accept', bothLive, {}, ['relay new', 'gateway new', 'restart relay:live gateway:live'], { ok: true }],
  ['gateway refuses: the relay goes back', bothLive, { refuse: ['gateway'] }, ['relay new', 'gateway new', 'relay old'], { ok: false, component: 'gateway', reason: /gateway says no/, note: /relay: back to the settings in force/ }],
  ['relay refuses: the gateway is never asked', bothLive, { refuse: ['relay'] }, ['relay new'], { ok: false, component: 'relay' }],
  ['gateway refuses and the relay cannot go back: said so', bothLive, { refuse: ['gateway'], refuseRollback: ['relay'] }, ['relay new', 'gateway new', 'relay old'], { ok: false, component: 'gateway', note: /relay: could not go back .*relay stuck/ }],
  ['gateway only, refused', gatewayLive, { refuse: ['gateway'] }, ['gateway new'], { ok: false, component: 'gateway' }],
  ['a restarted gateway does not come up: the live relay goes back', liveAndRestart, { restartFails: 'gateway' }, ['relay new', 'restart relay:live gateway:restart', 'relay old'], { ok: false, component: 'gateway', reason: /before it was ready/, note: /fix the file and reload/ }],
  ['an unexpected restart error is the supervisor\'s', liveAndRestart, { restartFails: new Error('boom') }, ['relay new', 'restart relay:live gateway:restart', 'relay old'], { ok: false, component: 'supervisor', reason: /boom/ }],
];

for (const [name, next, fakes, wantCalls, want] of rows) {
  test(`applyReload: ${name}`, async (t) => {
    const calls: string[] = [];
    const plan = planReload(old, next);
    const result = await applyReload(plan, old, next, targets(fakes, calls));
    t.deepEqual(calls, wantCalls);
    t.is(result.ok, want.ok);
    if (result.ok) t.deepEqual(result.notes, plan.notes);
    else {
      t.is(result.refusal.component, want.component ?? '');
      if (want.reason) t.regex(result.refusal.reason, want.reason);
      if (want.note) t.regex(result.notes.join('\n'), want.note);
    }
  });
}
