// A real Icecast 2.4 (the Debian package icecast2) for interoperability tests: a generated XML
// config in a temp dir, a free loopback port, logs beside the config. Tests that need it are
// registered only when the binary exists (`npm test` passes on a machine without it).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The icecast2 executable on PATH (or in the Debian package's place), or null. */
export const ICECAST2: string | null =
  [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin'].map((d) => join(d, 'icecast2')).find((p) => existsSync(p)) ?? null;
/** The package's web and admin XSLT directories (status pages and /admin/*.xsl need them). */
const SHARE = '/usr/share/icecast2';

export const ICECAST2_PASSWORDS = { source: 'ice-source-pw', relay: 'ice-relay-pw', admin: 'ice-admin-pw' } as const;

export interface Icecast2Relay {
  port: number;
  mount: string;
  localMount?: string;
  onDemand?: boolean;
}

export interface Icecast2Master {
  port: number;
  username: string;
  password: string;
  /** Seconds between streamlist polls (Icecast's master-update-interval). */
  updateInterval: number;
}

export interface Icecast2Options {
  relays?: Icecast2Relay[];
  master?: Icecast2Master;
}

export interface RunningIcecast2 {
  port: number;
  dir: string;
  /** The error log so far, for assertion messages. */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

const esc = (s: string | number): string => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

function icecast2Config(port: number, dir: string, o: Icecast2Options, changeOwner: boolean): string {
  const relays = (o.relays ?? []).map(
    (r) => `  <relay><server>127.0.0.1</server><port>${r.port}</port><mount>${esc(r.mount)}</mount>
    <local-mount>${esc(r.localMount ?? r.mount)}</local-mount><on-demand>${r.onDemand ? 1 : 0}</on-demand>
    <relay-shoutcast-metadata>1</relay-shoutcast-metadata></relay>`,
  );
  const m = o.master;
  const master = m
    ? `  <master-server>127.0.0.1</master-server><master-server-port>${m.port}</master-server-port>
  <master-update-interval>${m.updateInterval}</master-update-interval>
  <master-username>${esc(m.username)}</master-username><master-password>${esc(m.password)}</master-password>`
    : '';
  // Icecast refuses to run as root unless it is told whom to become.
  const security = changeOwner ? '  <security><changeowner><user>nobody</user><group>nogroup</group></changeowner></security>' : '';
  return `<icecast>
  <location>test</location><admin>test@localhost</admin><hostname>127.0.0.1</hostname>
  <limits><clients>100</clients><sources>10</sources><queue-size>524288</queue-size><client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout><source-timeout>10</source-timeout><burst-on-connect>1</burst-on-connect><burst-size>65535</burst-size></limits>
  <authentication><source-password>${ICECAST2_PASSWORDS.source}</source-password><relay-user>relay</relay-user>
    <relay-password>${ICECAST2_PASSWORDS.relay}</relay-password><admin-user>admin</admin-user><admin-password>${ICECAST2_PASSWORDS.admin}</admin-password></authentication>
  <listen-socket><port>${port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
${master}
${relays.join('\n')}
  <fileserve>1</fileserve>
  <paths><logdir>${esc(dir)}</logdir><webroot>${SHARE}/web</webroot><adminroot>${SHARE}/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
${security}
</icecast>
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function startIcecast2(o: Icecast2Options = {}): Promise<RunningIcecast2> {
  if (!ICECAST2) throw new Error('icecast2 is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'icegate-icecast2-'));
  const root = process.getuid?.() === 0;
  // After changing owner, icecast2 opens its logs as nobody: the directory must be theirs.
  if (root) await chown(dir, 65534, 65534);
  const errorLog = (): Promise<string> => readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
  let failures = '';
  // A port found free may be taken again before icecast2 binds it (parallel tests): it then
  // exits at once, and another port is tried.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = await launch(port, dir, o, root);
    const stop = async (): Promise<void> => {
      if (!exited(child.process)) {
        await new Promise<void>((resolve) => {
          child.process.once('exit', () => resolve());
          child.process.kill('SIGKILL');
        });
      }
      await rm(dir, { recursive: true, force: true });
    };
    // icecast2 logs "server started" once its socket is bound, so the port is really its own.
    const deadline = Date.now() + 10000;
    while (!exited(child.process) && !(await errorLog()).includes('server started')) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`icecast2 did not start: ${child.output()} ${(await errorLog()).slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!exited(child.process)) return { port, dir, errorLog, stop };
    failures += child.output();
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`icecast2 did not start: ${failures.trim()}`);
}

async function launch(port: number, dir: string, o: Icecast2Options, root: boolean): Promise<{ process: ChildProcess; output(): string }> {
  const config = join(dir, 'icecast.xml');
  await writeFile(config, icecast2Config(port, dir, o, root), { mode: 0o644 });
  const child = spawn(ICECAST2!, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer): void => {
    if (output.length < 4000) output += d.toString('utf8');
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return { process: child, output: () => output.trim() };
}
