// Starting the gateway: certificates on first start, the gateway: section of gateway.yaml, and
// `icegate gateway -c FILE` as the operator runs it.
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../config/schema.ts';
import { parseConfigText } from '../../config/load.ts';
import { formatConfigError } from '../../config/errors.ts';
import { certificateInfo } from '../../gateway/tls/cert-info.ts';
import { startGateway } from '../../gateway/start.ts';
import { selfSignedPaths } from '../../gateway/tls/files.ts';
import { main } from '../../cli/main.ts';
import { binPath, runCli } from '../cli/run-cli.ts';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-gw-start-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const ZERO_PORTS = { listener: 0, listenerTls: 0, source: 0, sourcePlain: null, admin: 0 };

test('the first start generates a self-signed certificate into stateDir; the next start reuses it', async (t) => {
  const stateDir = await tempDir(t);
  const config = configSchema.parse({ stateDir });
  const first = await startGateway({ config, host: '127.0.0.1', ports: ZERO_PORTS });
  await first.close();
  const paths = selfSignedPaths(stateDir);
  t.deepEqual(first.generated, [paths.cert]);
  t.is((await stat(paths.key)).mode & 0o777, 0o600);
  t.is((await stat(join(stateDir, 'tls'))).mode & 0o777, 0o700);
  t.regex(certificateInfo(await readFile(paths.cert, 'utf8')).subjectAltName ?? '', /DNS:localhost.*IP Address:127\.0\.0\.1/);
  const second = await startGateway({ config, host: '127.0.0.1', ports: ZERO_PORTS });
  await second.close();
  t.deepEqual(second.generated, []);
  t.is(second.tls.fingerprint256, first.tls.fingerprint256);
});

test('a port that cannot be opened fails the start with the system\'s error', async (t) => {
  const stateDir = await tempDir(t);
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const port = (taken.address() as net.AddressInfo).port;
  const config = configSchema.parse({ stateDir });
  await t.throwsAsync(startGateway({ config, host: '127.0.0.1', ports: { ...ZERO_PORTS, admin: port } }), { code: 'EADDRINUSE' });
});

const configErrors = test.macro({
  exec(t, yaml: string, expected: string) {
    const result = parseConfigText(yaml, 'gateway.yaml', '/srv/icegate');
    t.deepEqual(result.ok ? [] : result.errors.map(formatConfigError), [expected]);
  },
  title: (_title, _yaml, expected: string) => `gateway config error: ${expected}`,
});

test(configErrors, 'gateway:\n  tls:\n    cert: /etc/ssl/radio.pem\n', 'gateway.yaml:2: gateway.tls.key: set both cert and key, or neither');
test(configErrors, 'gateway:\n  upstream: https://127.0.0.1:8100\n', 'gateway.yaml:2: gateway.upstream: must be http://host:port with no path');
test(configErrors, 'gateway:\n  limits:\n    maxHeaders: 40\n', 'gateway.yaml:3: gateway.limits.maxHeaders: must be at most 32');
test(configErrors, 'gateway:\n  admin:\n    clientCertificate: true\n', 'gateway.yaml:3: gateway.admin.clientCertificate: unknown key (did you mean clientCertificates?)');

test('icegate gateway --help', async (t) => {
  const out: string[] = [];
  const code = await main(['gateway', '--help'], { out: (l) => out.push(l), err: () => {} });
  t.is(code, 0);
  t.regex(out.join('\n'), /^Usage: icegate gateway \[-c FILE\]\n[\s\S]*self-signed/);
});

test('icegate gateway -c FILE runs in the foreground, says where its certificate is, and stops on SIGTERM', async (t) => {
  const dir = await tempDir(t);
  const yaml = ['gateway:', '  listener: { host: 127.0.0.1, port: 0, tlsPort: 0 }', '  source: { host: 127.0.0.1, port: 0 }', '  admin: { port: 0 }', ''].join('\n');
  await writeFile(join(dir, 'gateway.yaml'), yaml);
  const child = spawn(process.execPath, [binPath, 'gateway', '-c', 'gateway.yaml'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (/certificate SHA-256/.test(stdout)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  t.true(stdout.includes(`generated ${join(dir, 'state', 'tls', 'server.crt')}`), stdout);
  t.regex(stdout, /icegate gateway in front of http:\/\/127\.0\.0\.1:8100\n/);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  t.deepEqual(await exited, [0, null]);
});

test('icegate gateway refuses a certificate file that does not exist, in one line', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'gateway.yaml'), 'gateway:\n  tls:\n    cert: missing.pem\n    key: missing.key\n');
  const run = await runCli(['gateway', '-c', 'gateway.yaml'], dir);
  t.is(run.code, 1);
  t.regex(run.stderr, /^icegate gateway: ENOENT: no such file or directory, open '.*missing\.pem'\n$/);
});
