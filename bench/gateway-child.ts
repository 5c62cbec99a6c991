// The gateway alone in its own process, in front of the relay child, as `icegate gateway` runs
// it (startGateway), so the benchmark can read its CPU time and memory from /proc. Prints its
// ports as JSON once listening on 127.0.0.1; stops on SIGTERM.
import { parseArgs } from 'node:util';
import { configSchema } from '../config/schema.ts';
import { startGateway } from '../gateway/start.ts';

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    clients: { type: 'string', default: '10000' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'state-dir': { type: 'string' },
  },
});

const config = configSchema.parse({
  stateDir: values['state-dir'],
  // The edge's fan-out settings: the same limits as the relay child and Icecast get.
  relay: { limits: { clients: Number(values.clients), queueSize: 524288, burstSize: 65536 } },
  gateway: {
    upstream: `http://127.0.0.1:${values.upstream}`,
    tls: { cert: values.cert, key: values.key },
    // Every listener of the benchmark comes from 127.0.0.1; nginx, the comparison, has no such caps.
    limits: { connectionsPerMinute: null, streamsPerAddress: null, connectionsPerAddress: null },
  },
});
const gateway = await startGateway({ config, host: '127.0.0.1', ports: { listener: 0, listenerTls: 0, source: 0, sourcePlain: null, admin: 0 } });
process.stdout.write(JSON.stringify(gateway.ports()) + '\n');
process.once('SIGTERM', () => {
  void gateway.close().then(() => process.exit(0));
});
