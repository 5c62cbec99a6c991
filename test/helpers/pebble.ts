// Pebble, Let's Encrypt's ACME test server (Debian package `pebble`), with pebble-challtestsrv as
// its DNS server answering 127.0.0.1 for every name, on loopback. Pebble's configuration names
// where its validator connects for HTTP-01 and TLS-ALPN-01, so those ports are reserved first and
// the gateway under test binds them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createSelfSignedServerCert } from '../../gateway/tls/certs.ts';
import { stopProcess } from './ffmpeg.ts';

export const PEBBLE_MISSING: string | null =
  spawnSync('pebble', ['-version'], { stdio: 'ignore' }).error === undefined && spawnSync('pebble-challtestsrv', ['-h'], { stdio: 'ignore' }).error === undefined
    ? null
    : 'needs the Debian package pebble (pebble and pebble-challtestsrv)';

export interface Pebble {
  /** The ACME directory URL. */
  readonly directory: string;
  /** PEM file of the certificate Pebble's own HTTPS uses (trust it for the directory). */
  readonly directoryCaFile: string;
  /** Where the validator connects (the gateway must listen there). */
  readonly httpPort: number;
  readonly tlsPort: number;
  /** New orders Pebble has received so far. */
  orders(): number;
  /** Pebble's root CA, against which issued chains verify. */
  root(): Promise<string>;
  /** Points a name at another address in the mock DNS (e.g. 127.0.0.2, where nothing listens). */
  addA(host: string, address: string): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** A port free right now on 127.0.0.1 (for daemons whose configuration needs a number). */
export async function reservePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPebble(o: { httpPort?: number; tlsPort?: number } = {}): Promise<Pebble> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-pebble-'));
  const own = createSelfSignedServerCert({ names: ['localhost'] });
  const certFile = join(dir, 'cert.pem');
  await writeFile(certFile, own.certPem);
  await writeFile(join(dir, 'key.pem'), own.keyPem);
  const [acmePort, mgmtPort, dnsPort, dnsMgmtPort] = [await reservePort(), await reservePort(), await reservePort(), await reservePort()];
  const httpPort = o.httpPort ?? (await reservePort());
  const tlsPort = o.tlsPort ?? (await reservePort());
  await writeFile(
    join(dir, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${mgmtPort}`,
        certificate: certFile,
        privateKey: join(dir, 'key.pem'),
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const dns = spawn('pebble-challtestsrv', ['-defaultIPv4', '127.0.0.1', '-defaultIPv6', '', '-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${dnsMgmtPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  await lineMatching(dns, /Starting management server|Answering A queries|management/i);
  let orders = 0;
  let pebble: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const child = spawn('pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // No random validation delays, no random nonce rejections: the test waits for events, not luck.
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
    });
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (l) => /order-plz/.test(l) && orders++);
    pebble = child;
    await lineMatching(child, /ACME directory available|Listening on/i);
  };
  await start();
  const get = (path: string): Promise<string> =>
    new Promise((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port: mgmtPort, path, ca: own.certPem }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
        })
        .on('error', reject);
    });
  return {
    directory: `https://127.0.0.1:${acmePort}/dir`,
    directoryCaFile: certFile,
    httpPort,
    tlsPort,
    orders: () => orders,
    root: () => get('/roots/0'),
    addA: async (host, address) => {
      const res = await fetch(`http://127.0.0.1:${dnsMgmtPort}/add-a`, { method: 'POST', body: JSON.stringify({ host, addresses: [address] }) });
      if (!res.ok) throw new Error(`pebble-challtestsrv add-a: ${res.status}`);
    },
    stop: async () => {
      if (pebble) await stopProcess(pebble);
      pebble = null;
    },
    close: async () => {
      if (pebble) await stopProcess(pebble);
      await stopProcess(dns);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function lineMatching(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let tail = '';
    const onLine = (line: string): void => {
      tail = `${tail}\n${line}`.slice(-2000);
      if (pattern.test(line)) resolve();
    };
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', onLine);
    child.once('exit', (code) => reject(new Error(`${String(child.spawnargs[0])} exited (${code}) before it was ready:${tail}`)));
  });
}
