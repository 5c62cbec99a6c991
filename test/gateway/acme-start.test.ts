// Issue 17, the whole stack as an operator runs it: `icegate start` (bin/icegate.js, its own
// process) with gateway.tls.acme pointed at Pebble, whose directory's own HTTPS is trusted only
// through NODE_EXTRA_CA_CERTS (no directoryCa). The TLS listener port ends up serving a
// certificate for the domain that verifies against Pebble's root, the control API shows its
// issuer, and the relay core behind the gateway believes the gateway's statements (the forward key
// the supervisor hands both): a playlist fetched over TLS points at https.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { binPath } from '../cli/run-cli.ts';
import { startPebble } from '../helpers/pebble.ts';
import { DOMAIN, peer, ptest, sayIfSkipped } from './acme-kit.ts';
import { exchange } from './server-harness.ts';
import { controlState } from '../helpers/control.ts';
import { eventually, printed } from '../helpers/eventually.ts';

sayIfSkipped('acme-start');

ptest('icegate start with gateway.tls.acme and NODE_EXTRA_CA_CERTS: the TLS listener serves a certificate that verifies against Pebble\'s root', async (t) => {
  const pebble = await startPebble();
  t.teardown(() => pebble.close());
  const dir = await mkdtemp(join(tmpdir(), 'icegate-acme-start-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'gateway.yaml');
  await writeFile(
    config,
    stringify({
      stateDir: './state',
      relay: { port: 0, mounts: { '/live.mp3': {} } },
      gateway: {
        // Pebble's validator connects to these two ports for HTTP-01 and TLS-ALPN-01.
        listener: { host: '127.0.0.1', port: pebble.httpPort, tlsPort: pebble.tlsPort },
        source: { host: '127.0.0.1', port: 0 },
        admin: { port: 0 },
        tls: { acme: { domains: [DOMAIN], email: 'ops@radio.test', directory: pebble.directory } },
      },
    }),
  );
  const out = { text: '' };
  const child = spawn(process.execPath, [binPath, 'start', '-c', config], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: pebble.directoryCaFile },
  });
  for (const s of [child.stdout!, child.stderr!]) s.on('data', (d: Buffer) => (out.text = `${out.text}${d.toString()}`.slice(-100_000)));
  t.teardown(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  );
  const sock = (await printed(child, /control API on (\S+)/, out))[1]!;
  await printed(child, /Listen: +https:\/\/127\.0\.0\.1:\d+\//, out);

  const root = await pebble.root();
  // Unverified while the self-signed certificate is served; checked against the root below.
  await eventually(() => peer(pebble.tlsPort), (p) => /Pebble/.test(p.issuer), 'a certificate issued by Pebble', 60_000).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; icegate start printed:\n${out.text.slice(-2000)}`);
  });
  const served = await peer(pebble.tlsPort, root);
  t.true(served.authorized, served.error ?? '');
  t.regex(served.issuer, /Pebble/);
  t.is(pebble.orders(), 1);

  // The supervisor polls the gateway at its own pace (docs/supervision.md): wait for the next poll.
  const snapshot = await eventually(() => controlState(sock), (s) => /Pebble/.test(s.security.certificate?.issuer ?? ''), 'the control API to show the new certificate');
  t.regex(snapshot.security.certificate?.issuer ?? '', /Pebble/);
  t.is(snapshot.security.certificate?.acme?.state, 'valid');
  t.false(snapshot.security.certificate?.selfSigned ?? true);

  // The relay believes the gateway (the supervisor gave both the forward key): over TLS, https.
  const m3u = await exchange(pebble.tlsPort, `GET /live.mp3.m3u HTTP/1.1\r\nHost: ${DOMAIN}\r\nConnection: close\r\n\r\n`, true);
  t.is(m3u.status, 200, m3u.head);
  t.is(m3u.body, `https://${DOMAIN}/live.mp3\r\n`);
  t.false(out.text.includes('ICEGATE_FORWARD_KEY='), 'the key is never printed');
});
