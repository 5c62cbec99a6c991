// The relay core alone in its own process, so the benchmark can read its CPU time and memory
// from /proc. Prints {"port":N} once listening on 127.0.0.1; stops on SIGTERM (which also lets
// node --cpu-prof write its profile).
//
// It runs as production runs the relay: plain node on the compiled dist/ tree, without tsx
// (bench/servers.ts relayChild checks that dist/ is newer than the sources). Hence a script for
// `node --input-type=module --eval`, not a module of this TypeScript tree: the modules it imports
// are dist/'s, resolved from the working directory, the repository's root.

export const RELAY_CHILD_SCRIPT = `
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
const dist = (p) => pathToFileURL(path.resolve('dist', p)).href;
const { configSchema } = await import(dist('config/schema.js'));
const { startRelay } = await import(dist('relay/start.js'));
const { values } = parseArgs({ options: { clients: { type: 'string', default: '10000' }, secrets: { type: 'string' } } });
const config = configSchema.parse({
  relay: {
    limits: { clients: Number(values.clients), sources: 2, queueSize: 524288, burstSize: 65536 },
  },
}).relay;
const relay = await startRelay({ config, secrets: JSON.parse(values.secrets), host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ port: relay.port() }) + '\\n');
process.once('SIGTERM', () => {
  void relay.close().then(() => process.exit(0));
});
`;
