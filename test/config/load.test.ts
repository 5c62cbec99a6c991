import test from 'ava';
import { isAbsolute, join } from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { formatConfigError } from '../../config/errors.ts';
import { loadConfig, parseConfigText } from '../../config/load.ts';

const yaml = (...lines: string[]): string => lines.join('\n') + '\n';

const rejects = test.macro({
  exec(t, text: string, expected: string[]) {
    const result = parseConfigText(text, 'gateway.yaml', '/srv/icegate');
    if (result.ok) return t.fail('the config was accepted');
    t.deepEqual(result.errors.map(formatConfigError), expected);
  },
  title: (title = '') => `rejects ${title}`,
});

test('an unknown top-level key', rejects, yaml('station:', '  name: radio', 'bogus: 1'), [
  'gateway.yaml:3: bogus: unknown key',
]);

test('an unknown nested key, naming the key itself', rejects, yaml('relay:', '  limits:', '    bogus: 1'), [
  'gateway.yaml:3: relay.limits.bogus: unknown key',
]);

test("an Icecast-style key, suggesting icegate's name", rejects, yaml('relay:', '  limits:', '    queue-size: 1'), [
  'gateway.yaml:3: relay.limits.queue-size: unknown key (did you mean queueSize?)',
]);

test('an unknown key inside a mount', rejects, yaml('relay:', '  mounts:', '    /live.mp3:', '      maxListener: 5'), [
  'gateway.yaml:4: relay.mounts./live.mp3.maxListener: unknown key (did you mean maxListeners?)',
]);

test('a wrong type', rejects, yaml('relay:', '  limits:', '    queueSize: lots'), [
  'gateway.yaml:3: relay.limits.queueSize: must be a number',
]);

test('a wrong type inside a mount', rejects, yaml('relay:', '  mounts:', '    /live.mp3:', '      maxListeners: many'), [
  'gateway.yaml:4: relay.mounts./live.mp3.maxListeners: must be a number',
]);

test('a YAML 1.1 boolean, explaining why', rejects, yaml('relay:', '  shoutcast:', '    enabled: yes'), [
  'gateway.yaml:3: relay.shoutcast.enabled: must be true or false (YAML 1.2 reads yes as text)',
]);

test('an empty value', rejects, yaml('relay:', '  host:'), ['gateway.yaml:2: relay.host: must be a string (the value is empty)']);

test('a fraction where a whole number is needed', rejects, yaml('relay:', '  limits:', '    clients: 1.5'), [
  'gateway.yaml:3: relay.limits.clients: must be a whole number',
]);

test('a value below the minimum', rejects, yaml('relay:', '  limits:', '    queueSize: 1000'), [
  'gateway.yaml:3: relay.limits.queueSize: must be at least 16384',
]);

test('a port above 65535', rejects, yaml('relay:', '  port: 70000'), ['gateway.yaml:2: relay.port: must be at most 65535']);

test('a short password, without echoing it', rejects, yaml('relay:', '  auth:', '    adminPassword: hunter2'), [
  'gateway.yaml:3: relay.auth.adminPassword: must be at least 8 characters',
]);

test('a mount name without a leading slash', rejects, yaml('relay:', '  mounts:', '    live.mp3: {}'), [
  'gateway.yaml:3: relay.mounts.live.mp3: name must start with "/" and contain only URL path characters',
]);

test('a mount name with a dot segment', rejects, yaml('relay:', '  mounts:', '    /a/../b: {}'), [
  'gateway.yaml:3: relay.mounts./a/../b: name must not contain "//" or dot segments',
]);

test('a missing required key, at its section', rejects, yaml('relay:', '  master:', '    username: relay'), [
  'gateway.yaml:2: relay.master.url: is required',
]);

test('a list where a mapping belongs', rejects, yaml('relay:', '  mounts:', '    - /live.mp3'), [
  'gateway.yaml:2: relay.mounts: must be a mapping',
]);

test('a file that is a list', rejects, yaml('- 1'), ['gateway.yaml: must be a mapping']);

test('a duplicate key, naming both lines', rejects, yaml('relay:', '  port: 8100', '  host: 127.0.0.1', '  port: 8200'), [
  'gateway.yaml:4: relay.port: duplicate key (first set on line 2)',
]);

test('a YAML syntax error, once per line', rejects, yaml('relay:', '  port: 8100', '    host: x'), [
  'gateway.yaml:2: invalid YAML: Nested mappings are not allowed in compact mappings',
]);

test('an unclosed flow list', rejects, yaml('relay:', '  trustedProxies: [127.0.0.1/32', '  port: 8100'), [
  'gateway.yaml:3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
]);

test('tabs as indentation', rejects, yaml('relay:', '\tport: 8100'), [
  'gateway.yaml:2: invalid YAML: Tabs are not allowed as indentation',
]);

test('an alias without an anchor', rejects, yaml('relay:', '  port: *port'), [
  'gateway.yaml:2: invalid YAML: alias *port has no anchor before it',
]);

test('a mount that falls back to itself', rejects, yaml('relay:', '  mounts:', '    /a:', '      fallbackMount: /a'), [
  'gateway.yaml:4: relay.mounts./a.fallbackMount: must not be the mount itself',
]);

test(
  'a fallback loop, once, at its first mount',
  rejects,
  yaml('relay:', '  mounts:', '    /c: {fallbackMount: /a}', '    /a: {fallbackMount: /b}', '    /b: {fallbackMount: /a}'),
  ['gateway.yaml:4: relay.mounts./a.fallbackMount: fallback chain loops: /a → /b → /a'],
);

test('a global burst not smaller than the queue', rejects, yaml('relay:', '  limits:', '    queueSize: 65536', '    burstSize: 65536'), [
  'gateway.yaml:4: relay.limits.burstSize: must be smaller than relay.limits.queueSize (65536)',
]);

test('a burst in seconds that at 320 kbit/s does not fit the queue', rejects, yaml('relay:', '  limits:', '    burstSeconds: 14'), [
  'gateway.yaml:3: relay.limits.burstSeconds: comes to 560000 bytes at 320 kbit/s: must be smaller than relay.limits.queueSize (524288)',
]);

test('a negative burst in seconds', rejects, yaml('relay:', '  limits:', '    burstSeconds: -1'), [
  'gateway.yaml:3: relay.limits.burstSeconds: must be at least 0',
]);

test('a mount queue not larger than the burst in seconds at 320 kbit/s', rejects, yaml('relay:', '  mounts:', '    /a:', '      queueSize: 65536'), [
  "gateway.yaml:4: relay.mounts./a.queueSize: must be larger than the mount's burst (100000 bytes: relay.limits.burstSeconds at 320 kbit/s)",
]);

const burstAccepted = test.macro({
  exec(t, lines: string[], expected: { burstSeconds: number; burstSize: number | null }) {
    const result = parseConfigText(yaml('relay:', '  limits:', ...lines), 'gateway.yaml', '/srv/icegate');
    if (!result.ok) return t.fail(result.errors.map(formatConfigError).join('\n'));
    t.like(result.config.relay.limits, expected);
  },
  title: (title = '') => `accepts ${title}`,
});

test('the default burst: seconds, no byte count', burstAccepted, ['    clients: 10'], { burstSeconds: 2.5, burstSize: null });
test('no burst at all (burstSeconds 0)', burstAccepted, ['    burstSeconds: 0'], { burstSeconds: 0, burstSize: null });
test("Icecast's burst-size in bytes, over burstSeconds", burstAccepted, ['    burstSize: 65535'], { burstSeconds: 2.5, burstSize: 65535 });
test('a long burst in seconds when burstSize decides', burstAccepted, ['    burstSeconds: 14', '    burstSize: 16384'], { burstSeconds: 14, burstSize: 16384 });

test('a mount burst not smaller than its queue', rejects, yaml('relay:', '  mounts:', '    /a:', '      burstSize: 600000'), [
  "gateway.yaml:4: relay.mounts./a.burstSize: must be smaller than the mount's queueSize (524288)",
]);

test('a mount queue not larger than the burst', rejects, yaml('relay:', '  limits:', '    burstSize: 65536', '  mounts:', '    /a:', '      queueSize: 4096'), [
  "gateway.yaml:6: relay.mounts./a.queueSize: must be larger than the mount's burstSize (65536)",
]);

test('bad CIDR entries, each at its list index', rejects, yaml('relay:', '  trustedProxies:', '    - 10.0.0.0/33', '    - ::1', '    - gateway'), [
  'gateway.yaml:3: relay.trustedProxies[0]: "10.0.0.0/33" is not an IP address or CIDR range',
  'gateway.yaml:5: relay.trustedProxies[2]: "gateway" is not an IP address or CIDR range',
]);

test('the SHOUTcast port equal to the relay port', rejects, yaml('relay:', '  port: 9000', '  shoutcast:', '    enabled: true', '    port: 9000'), [
  'gateway.yaml:5: relay.shoutcast.port: must differ from relay.port (9000)',
]);

test('a pull relay that is not http', rejects, yaml('relay:', '  relays:', '    - url: ftp://master.example/live.mp3'), [
  'gateway.yaml:3: relay.relays[0].url: must start with http:// or https://',
]);

const acme = (...lines: string[]): string => yaml('gateway:', '  tls:', '    acme:', '      domains: [radio.example.org]', ...lines.map((l) => `      ${l}`));

test('an ACME e-mail that is not an address', rejects, acme('email: not-an-address'), ['gateway.yaml:5: gateway.tls.acme.email: must be an e-mail address']);

test('an ACME e-mail written as a mailto: URL', rejects, acme('email: mailto:ops@radio.example.org'), ['gateway.yaml:5: gateway.tls.acme.email: must be an e-mail address']);

test('an ACME e-mail with a space', rejects, acme('email: "ops @radio.example.org"'), ['gateway.yaml:5: gateway.tls.acme.email: must be an e-mail address']);

test('several problems, in file order', rejects, yaml('relay:', '  limits:', '    bogus: 1', '    clients: 0', 'station:', '  name: ""'), [
  'gateway.yaml:3: relay.limits.bogus: unknown key',
  'gateway.yaml:4: relay.limits.clients: must be at least 1',
  'gateway.yaml:6: station.name: must not be empty',
]);

test('accepts a valid file with a mount, filling in defaults', (t) => {
  const text = yaml(
    'station:',
    '  name: Radio Example',
    'relay:',
    '  port: 0',
    '  trustedProxies: [10.0.0.0/8, "fd00::/8", 192.0.2.1]',
    '  mounts:',
    '    /live.mp3:',
    '      maxListeners: 100',
    '      fallbackMount: /back-soon.mp3',
    '    /back-soon.mp3:',
    '      file: /srv/audio/back-soon.mp3',
    '      hidden: true',
  );
  const result = parseConfigText(text, 'gateway.yaml', '/srv/icegate');
  if (!result.ok) return t.fail(result.errors.map(formatConfigError).join('\n'));
  const { config } = result;
  t.is(config.station.name, 'Radio Example');
  t.is(config.relay.port, 0);
  t.deepEqual(Object.keys(config.relay.mounts), ['/live.mp3', '/back-soon.mp3']);
  t.like(config.relay.mounts['/live.mp3'], { maxListeners: 100, fallbackMount: '/back-soon.mp3', fallbackOverride: true, metadataInterval: 16000 });
  t.like(config.relay.mounts['/back-soon.mp3'], { file: '/srv/audio/back-soon.mp3', hidden: true, maxListeners: -1 });
  t.is(config.relay.limits.queueSize, 524288);
});

test('resolves stateDir against the config directory and deep-freezes the result', (t) => {
  const result = parseConfigText(yaml('stateDir: var/state', 'relay:', '  mounts:', '    /a: {}'), 'gateway.yaml', '/srv/icegate');
  if (!result.ok) return t.fail();
  t.is(result.config.stateDir, join('/srv/icegate', 'var/state'));
  t.true(Object.isFrozen(result.config));
  t.true(Object.isFrozen(result.config.relay.limits));
  t.true(Object.isFrozen(result.config.relay.trustedProxies));
  t.true(Object.isFrozen(result.config.relay.mounts['/a']));
});

test('loadConfig names the file as given and resolves stateDir beside it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-load-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, yaml('relay:', '  port: none'));
  const bad = await loadConfig(file);
  t.false(bad.ok);
  t.deepEqual(!bad.ok && bad.errors.map(formatConfigError), [`${file}:2: relay.port: must be a number`]);

  await writeFile(file, '');
  const good = await loadConfig(file);
  t.true(good.ok && isAbsolute(good.config.stateDir) && good.config.stateDir === join(dir, 'state'));
});

test('loadConfig reports a missing file without throwing', async (t) => {
  const result = await loadConfig('no-such-dir/gateway.yaml');
  t.deepEqual(!result.ok && result.errors.map(formatConfigError), ['no-such-dir/gateway.yaml: cannot read the file: it does not exist']);
});
