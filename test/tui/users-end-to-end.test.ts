// The Users pane against a real `icegate start` supervisor (relay core and gateway as processes):
// a listener user added through the dashboard's keys lands, bcrypt-hashed, in the mount's real
// htpasswd file (relative to the configuration), and deleting it through keys takes it out again.
// Every port is 0; waits poll the screen or the file with a deadline.
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { readHtpasswdFile } from '../../contracts/htpasswd-file.ts';
import { verifyUser } from '../../gateway/listener-auth/htpasswd.ts';
import { runSupervisor, type RunningSupervisor } from '../../supervisor/main.ts';
import { until } from '../helpers/relay.ts';
import { eventually } from './fake-control.ts';
import { Tmux, tmuxMissing } from './tmux.ts';

const config = `station: {name: Users End To End}
stateDir: ./state
relay:
  port: 0
  auth: {sourcePassword: hackme-source-tui, adminPassword: hackme-admin-tui, relayPassword: hackme-relay-tui}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: 0}
  source: {host: 127.0.0.1, port: 0, plainPort: 0}
  admin: {port: 0}
  mounts: {/members.mp3: {auth: htpasswd, htpasswd: members.htpasswd}}
`;

const run = tmuxMissing() ? test.serial.skip : test.serial;

run('a listener user added and deleted through the Users pane, in the real htpasswd file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-tui-users-'));
  const file = join(dir, 'gateway.yaml');
  const members = join(dir, 'members.htpasswd');
  await writeFile(file, config);
  await writeFile(members, '# members of the station\n', { mode: 0o600 });
  const loaded = await loadConfig(file);
  if (!loaded.ok) return t.fail(JSON.stringify(loaded.errors));
  const sv: RunningSupervisor = await runSupervisor({ config: loaded.config, configPath: file, hostMetrics: false, pollIntervalMs: 200 });
  t.teardown(async () => {
    await sv.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const comp = (name: string) => sv.snapshot().components.find((c) => c.name === name)!;
  await until(() => comp('relay').state === 'running' && comp('gateway').state === 'running', 20_000, 'relay and gateway running');

  const tmux = Tmux.start(['-c', file], { width: 100, height: 40, env: { USER: 'operator-e2e' } });
  t.teardown(() => tmux.kill());
  await tmux.waitFor(/Users End To End +OK/);
  tmux.keys('p');
  let screen = await tmux.waitFor('Users (0 in 1 file)');
  t.regex(screen, /\(no users yet: a adds one\) +\/members\.mp3 +members\.htpasswd/);

  tmux.keys('a');
  await tmux.waitFor(/Mount +: \/members\.mp3/);
  tmux.type('Zoë');
  tmux.keys('Tab');
  tmux.type('choir pass 1');
  tmux.keys('Tab');
  tmux.type('choir pass 1');
  tmux.keys('Enter');
  screen = await tmux.waitFor(`listener "Zoë" added to /members.mp3 (${members})`);
  t.false(screen.includes('choir pass'), 'the password never reached the screen');
  await tmux.waitFor('Users (1 in 1 file)');
  const table = await readHtpasswdFile(members);
  t.true(await verifyUser(table, 'Zoë', 'choir pass 1'));
  t.regex(await readFile(members, 'utf8'), /^# members of the station\nZoë:\$2y\$10\$/);
  t.like(sv.snapshot().audit[0], { user: 'operator-e2e', action: 'listener-user-set', target: '/members.mp3', ok: true });

  tmux.keys('D');
  await tmux.waitFor('Delete listener "Zoë" from /members.mp3');
  tmux.keys('y');
  await tmux.waitFor('Users (0 in 1 file)');
  await eventually(() => sv.snapshot().audit[0]?.action === 'listener-user-delete', 'the deletion audited');
  t.is(await readFile(members, 'utf8'), '# members of the station\n');
  t.false(JSON.stringify(sv.snapshot().audit).includes('choir pass'));
});
