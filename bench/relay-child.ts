// The relay core alone in its own process, so the benchmark can read its CPU time and memory
// from /proc. Prints {"port":N} once listening on 127.0.0.1; stops on SIGTERM (which also lets
// node --cpu-prof write its profile).
import { parseArgs } from 'node:util';
import { configSchema } from '../config/schema.ts';
import { startRelay } from '../relay/start.ts';
import { BENCH_SECRETS } from './servers.ts';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '10000' } } });

const config = configSchema.parse({
  relay: {
    limits: { clients: Number(values.clients), sources: 2, queueSize: 524288, burstSize: 65536 },
  },
}).relay;
const relay = await startRelay({ config, secrets: BENCH_SECRETS, host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ port: relay.port() }) + '\n');
process.once('SIGTERM', () => {
  void relay.close().then(() => process.exit(0));
});
