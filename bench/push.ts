// The footprint of `icegate push` beside its ffmpeg: a relay core and a gateway on loopback, one
// push of a tone as 128 kbit/s MP3 over pinned TLS, and /proc samples of the agent process and of
// its ffmpeg child over a window once live. Budget: the agent ≤ 2 % of a core and ≤ 60 MB RSS.
//
//   npm run build && node --import tsx bench/push.ts [SECONDS]
//
// The agent runs as operators run it: plain node on the built dist/ (ICEGATE_SOURCES unset).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../config/schema.ts';
import { formatSourceLink } from '../contracts/source-link.ts';
import { pinOf } from '../cli/source-link.ts';
import { startGateway } from '../gateway/start.ts';
import { selfSignedPaths } from '../gateway/tls/files.ts';
import { startRelay } from '../relay/start.ts';
import { ensureServerCertificate } from '../gateway/tls/files.ts';
import { sampleProcess } from './proc.ts';

const seconds = Number(process.argv[2] ?? 30);
const PASSWORD = 'bench-source-pw';
const secrets = { sourcePassword: PASSWORD, adminPassword: 'bench-admin-pw', relayPassword: 'bench-relay-pw' };

const stateDir = await mkdtemp(join(tmpdir(), 'icegate-bench-push-'));
const relay = await startRelay({ config: configSchema.parse({}).relay, secrets, host: '127.0.0.1', port: 0 });
const config = configSchema.parse({ stateDir, relay: { auth: secrets }, gateway: { upstream: `http://127.0.0.1:${relay.port()}` } });
await ensureServerCertificate(config.gateway.tls, stateDir);
const gateway = await startGateway({ config, host: '127.0.0.1', ports: { listener: 0, listenerTls: 0, source: 0, sourcePlain: null, admin: 0 } });
const pin = pinOf(await readFile(selfSignedPaths(stateDir).cert, 'utf8'));
const link = formatSourceLink({ user: 'source', password: PASSWORD, host: '127.0.0.1', port: gateway.ports().source, mount: '/live.mp3', pins: [pin] });

const bin = fileURLToPath(new URL('../bin/icegate.js', import.meta.url));
const env = { ...process.env };
delete env.ICEGATE_SOURCES;
const agent = spawn(process.execPath, [bin, 'push', '--status', 'json', '--input', 'tone', link], { env, stdio: ['ignore', 'pipe', 'inherit'] });
let lines = '';
const live = new Promise<void>((resolve) => {
  agent.stdout.setEncoding('utf8').on('data', (d: string) => {
    lines += d;
    if (lines.includes('"state":"live"')) resolve();
  });
});
await live;
// Let start-up work (module loading, the first handshake) settle before measuring.
await new Promise((r) => setTimeout(r, 3000));
const children = (await readFile(`/proc/${agent.pid}/task/${agent.pid}/children`, 'utf8')).trim().split(/\s+/).map(Number);
const ffmpegPid = children[0]!;
const a0 = sampleProcess(agent.pid!);
const f0 = sampleProcess(ffmpegPid);
let peakRss = a0.rssKiB;
for (let i = 0; i < seconds; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  peakRss = Math.max(peakRss, sampleProcess(agent.pid!).rssKiB);
}
const a1 = sampleProcess(agent.pid!);
const f1 = sampleProcess(ffmpegPid);
const pct = (s0: { cpuMs: number; at: number }, s1: { cpuMs: number; at: number }): string => ((100 * (s1.cpuMs - s0.cpuMs)) / (s1.at - s0.at)).toFixed(2);
const report = {
  seconds,
  agentCpuPercentOfCore: Number(pct(a0, a1)),
  agentRssMB: Math.round(peakRss / 1024),
  ffmpegCpuPercentOfCore: Number(pct(f0, f1)),
  ffmpegRssMB: Math.round(f1.rssKiB / 1024),
  budget: { agentCpuPercentOfCore: 2, agentRssMB: 60 },
};
console.log(JSON.stringify(report, null, 2));
agent.kill('SIGTERM');
await new Promise((r) => agent.once('exit', r));
await gateway.close();
await relay.close();
await rm(stateDir, { recursive: true, force: true });
process.exitCode = report.agentCpuPercentOfCore <= 2 && report.agentRssMB <= 60 ? 0 : 1;
