// The signals `icegate start` answers, and what `icegate reload` prints for each kind of answer.
import test from 'ava';
import { EventEmitter } from 'node:events';
import { describeFailure } from '../../cli/stop.ts';
import { handleSignals } from '../../supervisor/signals.ts';

const signals: [NodeJS.Signals, string][] = [
  ['SIGHUP', 'reload'],
  ['SIGINT', 'stop'],
  ['SIGTERM', 'stop'],
];
for (const [signal, action] of signals) {
  test(`${signal} means ${action}; nothing once detached`, (t) => {
    const target = new EventEmitter();
    const done: string[] = [];
    const detach = handleSignals({ reload: () => done.push('reload'), stop: () => done.push('stop') }, target as unknown as NodeJS.Process);
    target.emit(signal);
    t.deepEqual(done, [action]);
    detach();
    target.emit(signal);
    t.deepEqual(done, [action]);
    t.is(target.listenerCount(signal), 0);
  });
}

const failures: [string, Parameters<typeof describeFailure>[1], RegExp[]][] = [
  ['an invalid file', { code: 'invalid-config', message: 'The configuration is invalid; the running one is kept: gateway.yaml:3: relay.port: must be a number' }, [/^icegate reload: The configuration is invalid.*relay\.port/]],
  [
    'a refusal names the component and its reason',
    { code: 'reload-refused', message: 'A component refused …: gateway: no htpasswd', refusal: { component: 'gateway', reason: 'no htpasswd' } },
    [/^icegate reload: refused by the gateway: no htpasswd$/, /stays in force everywhere/, /^\(A component refused/],
  ],
];
for (const [name, error, lines] of failures) {
  test(`icegate reload prints: ${name}`, (t) => {
    const out = describeFailure('reload', error);
    t.is(out.length, lines.length);
    lines.forEach((re, i) => t.regex(out[i]!, re));
  });
}
