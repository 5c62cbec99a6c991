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
  ['gateway limits are applied live', `${base}gateway:\n  limits: {headerTimeout: 5, streamsPerAddress: 3}\n`, { relay: 'unchanged', gateway: 'live' }],
  // A mount that becomes private leaves the relay's public listings (config/unlisted-mounts.ts).
  ['gateway listener auth is applied live, and to the relay\'s listings', `${base}gateway:\n  tokens: {keys: {k1: 0123456789abcdef}}\n  mounts:\n    /live.mp3: {auth: token}\n`, { relay: 'live', gateway: 'live' }],
  ['gateway listener auth on a listed mount leaves the relay alone', `${base}gateway:\n  tokens: {keys: {k1: 0123456789abcdef}}\n  mounts:\n    /live.mp3: {auth: token, listed: true}\n`, { relay: 'unchanged', gateway: 'live' }],
  ['gateway privacy is applied live', `${base}gateway:\n  privacy: {anonymizeIps: true}\n`, { relay: 'unchanged', gateway: 'live' }],
  ['rate-limit thresholds are applied live', `${base}gateway:\n  rateLimit: {consecutiveFailures: 3, closeOnBan: true}\n`, { relay: 'unchanged', gateway: 'live' }],
  ['the rate-limit store restarts the gateway', `${base}gateway:\n  rateLimit: {store: redis, redis: 'redis://127.0.0.1:6379'}\n`, { relay: 'unchanged', gateway: 'restart' }],
  ['a gateway port restarts only the gateway', `${base}gateway:\n  listener: {port: 9000}\n`, { relay: 'unchanged', gateway: 'restart' }],
  ['the upstream restarts the gateway', `${base}gateway:\n  upstream: 'http://127.0.0.1:9100'\n`, { gateway: 'restart' }],
  ['TLS files restart the gateway', `${base}gateway:\n  tls: {cert: c.pem, key: k.pem}\n`, { gateway: 'restart' }],
  ['admin client certificates restart the gateway', `${base}gateway:\n  admin: {clientCertificates: true}\n`, { gateway: 'restart' }],
  ['upstreamAuth restarts the gateway', `${base}gateway:\n  upstreamAuth: {username: u, password: p}\n`, { gateway: 'restart' }],
  ['a live key beside a restart key restarts', `${base}gateway:\n  limits: {headerTimeout: 5}\n  listener: {port: 9000}\n`, { gateway: 'restart' }],
  ['a changed component restarts only it', base.replace("'100'", "'200'"), { relay: 'unchanged', gateway: 'unchanged', restart: ['other'], add: [], remove: [] }],
  ['components added and removed', base.replace("    - {name: other, command: [sleep, '100']}", "    - {name: third, command: [sleep, '1']}"), { add: ['third'], remove: ['other'], restart: [] }],
  ['readOnly touches no component', `${base}`.replace('supervisor:\n', 'supervisor:\n  readOnly: true\n'), { relay: 'unchanged', gateway: 'unchanged', restart: [] }],
];

// The operator is told which keys, by path.
const noted: [string, string, string][] = [
  ['live', `${base}gateway:\n  limits: {headerTimeout: 5}\n  privacy: {anonymizeIps: true}\n`, 'gateway: gateway.limits, gateway.privacy applied live, no connection dropped'],
  ['restart', `${base}gateway:\n  rateLimit: {store: redis, redis: 'redis://127.0.0.1:6379', dailyFailures: 5}\n`, 'gateway: restart (gateway.rateLimit.store, gateway.rateLimit.redis changed)'],
  ['restart with live', `${base}gateway:\n  limits: {headerTimeout: 5}\n  tls: {cert: c.pem, key: k.pem}\n`, 'gateway: restart (gateway.tls changed)'],
];

for (const [name, next, note] of noted) {
  test(`the note names the gateway keys: ${name}`, (t) => {
    t.true(planReload(config(base), config(next)).notes.includes(note), planReload(config(base), config(next)).notes.join('\n'));
  });
}

for (const [name, next, expected] of cases) {
  test(name, (t) => {
    const plan = planReload(config(base), config(next));
    t.like(plan, expected);
    t.true(plan.notes.length > 0);
  });
}
