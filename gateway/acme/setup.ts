// gateway.tls.acme wired into a starting gateway: the validator's doors on the listener ports
// (challenge-ports.ts) and a manager whose certificates go into service through the TLS
// context's reload path (gateway/tls/context.ts), so a new certificate never cuts a stream.
import type http from 'node:http';
import { readFile } from 'node:fs/promises';
import type tls from 'node:tls';
import type { GatewayConfig } from '../../config/schema.ts';
import { systemClock, type Clock } from '../../stream/clock.ts';
import type { TlsContext } from '../tls/context.ts';
import { ChallengeBoard } from './challenges.ts';
import { answerAlpnChallenges, answerHttpChallenges } from './challenge-ports.ts';
import { issueCertificate, type Issuer } from './client.ts';
import { AcmeManager, type AcmeLog } from './manager.ts';
import { acmePaths } from './store.ts';

export interface AcmeSetup {
  readonly acme: GatewayConfig['tls']['acme'];
  readonly stateDir: string;
  readonly tls: TlsContext;
  /** The plain listener port (HTTP-01) and the TLS listener port (TLS-ALPN-01). */
  readonly listenerPlain: http.Server;
  readonly listenerTls: tls.Server;
  readonly log: AcmeLog;
  readonly clock?: Clock;
  readonly issue?: Issuer;
}

/** null when gateway.tls.acme names no domain. Throws when directoryCa cannot be read. */
export async function setUpAcme(o: AcmeSetup): Promise<AcmeManager | null> {
  if (o.acme.domains.length === 0) return null;
  const directoryCaPem =
    o.acme.directoryCa === null
      ? null
      : await readFile(o.acme.directoryCa, 'utf8').catch((err: Error) => {
          throw new Error(`gateway.tls.acme.directoryCa: ${err.message}`);
        });
  const board = new ChallengeBoard();
  if (o.acme.challenges.includes('http-01')) answerHttpChallenges(o.listenerPlain, board);
  if (o.acme.challenges.includes('tls-alpn-01')) answerAlpnChallenges(o.listenerTls, board);
  const paths = acmePaths(o.stateDir);
  return new AcmeManager({
    settings: { domains: o.acme.domains, email: o.acme.email, directory: o.acme.directory, challenges: o.acme.challenges, directoryCaPem },
    paths,
    board,
    clock: o.clock ?? systemClock,
    issue: o.issue ?? issueCertificate,
    log: o.log,
    install: async () => {
      const event = await o.tls.serveFiles({ cert: paths.cert, key: paths.key });
      return event.ok ? { ok: true } : { ok: false, error: event.error };
    },
  });
}
