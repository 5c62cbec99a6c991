// The hand-over of the checked configuration from the supervisor to the relay and the gateway
// (contracts/child-start.ts): what a child accepts, what it refuses, and that it is frozen.
import test from 'ava';
import { defaultConfig } from '../../config/load.ts';
import { encodeStart, parseStart, readStart, START_ENV } from '../../contracts/child-start.ts';

const config = defaultConfig('/srv/icegate');
const secrets = { sourcePassword: 'source-secret-1', adminPassword: 'admin-secret-1', relayPassword: 'relay-secret-1' };
const good = { config, secrets, configPath: '/srv/icegate/gateway.yaml' };

const cases: [string, string, RegExp | null][] = [
  ['the document the supervisor encodes', encodeStart(good), null],
  ['the built-in defaults (no file)', encodeStart({ ...good, configPath: null }), null],
  ['not JSON', '{"config": ', /not JSON/],
  ['an array', '[]', /not an object/],
  ['a configuration without its sections', JSON.stringify({ ...good, config: { relay: {} } }), /config: not a configuration/],
  ['a missing secret', JSON.stringify({ ...good, secrets: { sourcePassword: 'x', adminPassword: 'y' } }), /secrets: not the resolved secrets/],
  ['a secret that is not a string', JSON.stringify({ ...good, secrets: { ...secrets, relayPassword: 7 } }), /secrets/],
  ['a config path that is a number', JSON.stringify({ ...good, configPath: 5 }), /configPath/],
  ['nothing at all (the supervisor closed the pipe without writing)', '', /not JSON/],
];
for (const [name, text, error] of cases) {
  test(`start document: ${name}`, (t) => {
    const parsed = parseStart(text);
    if (error === null) {
      t.true(parsed.ok);
      if (parsed.ok) t.deepEqual(JSON.parse(JSON.stringify(parsed.value)), JSON.parse(text));
    } else {
      t.false(parsed.ok);
      if (!parsed.ok) t.regex(parsed.error, error);
    }
  });
}

test('an accepted document is frozen all the way down, like a loaded configuration', (t) => {
  const parsed = parseStart(encodeStart(good));
  if (!parsed.ok) return t.fail(parsed.error);
  t.true(Object.isFrozen(parsed.value.config.relay.limits));
  t.true(Object.isFrozen(parsed.value.secrets));
  t.deepEqual(parsed.value.config, config);
});

test('a process started without the hand-over reads nothing and leaves its environment alone', (t) => {
  const env: NodeJS.ProcessEnv = { OTHER: '1' };
  t.is(readStart(env), null);
  t.deepEqual(env, { OTHER: '1' });
  // Another value than the agreed descriptor is not a hand-over either.
  t.is(readStart({ [START_ENV]: '9' }), null);
});
