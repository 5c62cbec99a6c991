// The icegate stack of the latency benchmark (bench/latency.ts) in its own process: the relay core
// and the gateway in front of it (plain and TLS listener ports, its edge pulling from the relay),
// both with the shipped defaults except what the options set. Prints the ports as JSON once
// listening on 127.0.0.1; stops on SIGTERM.
//
//   --burst-seconds S   relay.limits.burstSeconds (default: the shipped default)
//   --burst-size B      relay.limits.burstSize in bytes (default: null, burstSeconds decides)
import { parseArgs } from 'node:util';
import { configSchema } from '../config/schema.ts';
import { startRelay } from '../relay/start.ts';
import { startGateway } from '../gateway/start.ts';
import { BENCH_SECRETS } from './servers.ts';

const { values } = parseArgs({
  options: {
    'burst-seconds': { type: 'string' },
    'burst-size': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'state-dir': { type: 'string' },
  },
});

const limits: Record<string, number> = {};
if (values['burst-seconds'] !== undefined) limits.burstSeconds = Number(values['burst-seconds']);
if (values['burst-size'] !== undefined) limits.burstSize = Number(values['burst-size']);

const relayConfig = configSchema.parse({ relay: { limits } }).relay;
const relay = await startRelay({ config: relayConfig, secrets: BENCH_SECRETS, host: '127.0.0.1', port: 0 });

const config = configSchema.parse({
  stateDir: values['state-dir'],
  // The edge serves the gateway's players with the relay section's burst, as `icegate start` does.
  relay: { limits },
  gateway: {
    upstream: `http://127.0.0.1:${relay.port()}`,
    tls: { cert: values.cert, key: values.key },
  },
});
const gateway = await startGateway({ config, host: '127.0.0.1', ports: { listener: 0, listenerTls: 0, source: 0, sourcePlain: null, admin: 0 } });
const ports = gateway.ports();
process.stdout.write(JSON.stringify({ relay: relay.port(), listener: ports.listener, listenerTls: ports.listenerTls }) + '\n');
process.once('SIGTERM', () => {
  void gateway
    .close()
    .then(() => relay.close())
    .then(() => process.exit(0));
});
