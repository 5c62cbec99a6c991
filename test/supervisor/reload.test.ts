// What a reload does per component, from the old and the new configuration.
import test from 'ava';
import { parseConfigText } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { planReload } from '../../supervisor/reload.ts';

function config(yaml: string): Config {
  const r = parseConfigText(yaml, 'test.yaml', '/srv/icegate');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

const base = `
relay:
  mounts:
    /live.mp3: {maxListeners: 10}
supervisor:
  components:
    - {name: capture, command: [ffmpeg, -i, x]}
    - {name: other, command: [sleep, '100']}
`;

const cases: [string, string, Partial<ReturnType<typeof planReload>>][] = [
  ['nothing changed', base, { relay: 'unchanged', gateway: 'unchanged', add: [], remove: [], restart: [] }],
  ['a mount setting is applied live', base.replace('maxListeners: 10', 'maxListeners: 20'), { relay: 'live', gateway: 'unchanged' }],
  ['relay limits are applied live', `${base}\n`.replace('relay:\n', 'relay:\n  limits: {clients: 50}\n'), { relay: 'live', gateway: 'unchanged' }],
  ['the relay port restarts the relay and the gateway', base.replace('relay:\n', 'relay:\n  port: 8200\n'), { relay: 'restart', gateway: 'restart' }],
  ['relay auth restarts only the relay', base.replace('relay:\n', 'relay:\n  auth: {sourceUser: dj}\n'), { relay: 'restart', gateway: 'unchanged' }],
  ['a gateway setting restarts only the gateway', `${base}gateway:\n  limits: {headerTimeout: 5}\n`, { relay: 'unchanged', gateway: 'restart' }],
  ['a changed component restarts only it', base.replace("'100'", "'200'"), { relay: 'unchanged', gateway: 'unchanged', restart: ['other'], add: [], remove: [] }],
  ['components added and removed', base.replace("    - {name: other, command: [sleep, '100']}", "    - {name: third, command: [sleep, '1']}"), { add: ['third'], remove: ['other'], restart: [] }],
  ['readOnly touches no component', `${base}`.replace('supervisor:\n', 'supervisor:\n  readOnly: true\n'), { relay: 'unchanged', gateway: 'unchanged', restart: [] }],
];

for (const [name, next, expected] of cases) {
  test(name, (t) => {
    const plan = planReload(config(base), config(next));
    t.like(plan, expected);
    t.true(plan.notes.length > 0);
  });
}
