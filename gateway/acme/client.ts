// The one module that imports the ACME client library (acme-client, RFC 8555): account, order,
// challenges, finalisation and download are the library's, JWS included. Loaded only when
// gateway.tls.acme names domains, so a gateway without ACME never pays for it.
import https from 'node:https';
import type { ChallengeBoard } from './challenges.ts';

export type ChallengeType = 'http-01' | 'tls-alpn-01';

export interface IssueRequest {
  readonly directory: string;
  readonly email: string | null;
  readonly domains: readonly string[];
  readonly challenge: ChallengeType;
  /** PEM of the account key; null = make one (returned in the result for storing). */
  readonly accountKeyPem: string | null;
  /** PEM CA certificate(s) to trust for the directory's own HTTPS (a private ACME server); null = the system's. */
  readonly directoryCaPem: string | null;
  readonly board: ChallengeBoard;
}

export interface Issued {
  readonly certPem: string;
  readonly keyPem: string;
  readonly accountKeyPem: string;
}

/** A failure, with the domain and challenge it happened on when it is known. */
export class AcmeError extends Error {
  constructor(
    message: string,
    readonly domain: string | null,
    readonly challenge: ChallengeType | null,
  ) {
    super(message);
  }
}

export type Issuer = (request: IssueRequest) => Promise<Issued>;

/** Orders and downloads a certificate for every domain with one challenge type. */
export const issueCertificate: Issuer = async (r) => {
  const { default: acme } = await import('acme-client');
  // No request may hang an order forever (the library sets no timeout of its own).
  acme.axios.defaults.timeout = 30_000;
  acme.axios.defaults.httpsAgent = r.directoryCaPem === null ? undefined : new https.Agent({ ca: r.directoryCaPem });
  // The library retries a network error for over a minute, then loses its cause
  // (publishlab/node-acme-client#101): ask the directory once ourselves, and keep its retries short.
  const defaults = acme.axios.defaults as unknown as { acmeSettings: Record<string, number> };
  defaults.acmeSettings = { ...defaults.acmeSettings, retryMaxAttempts: 2, retryDefaultDelay: 2 };
  await probeDirectory(r.directory, r.directoryCaPem);
  const accountKeyPem = r.accountKeyPem ?? (await acme.crypto.createPrivateEcdsaKey()).toString();
  const client = new acme.Client({ directoryUrl: r.directory, accountKey: accountKeyPem, backoffAttempts: 10, backoffMin: 1000, backoffMax: 10_000 });
  try {
    await client.createAccount({ termsOfServiceAgreed: true, ...(r.email === null ? {} : { contact: [`mailto:${r.email}`] }) });
  } catch (err) {
    throw new AcmeError(`account: ${message(err)}`, null, null);
  }
  let order;
  try {
    order = await client.createOrder({ identifiers: r.domains.map((value) => ({ type: 'dns', value })) });
  } catch (err) {
    throw new AcmeError(`new order: ${message(err)}`, null, null);
  }
  const authorizations = await client.getAuthorizations(order);
  for (const authz of authorizations) {
    const domain = authz.identifier.value;
    if (authz.status === 'valid') continue;
    const challenge = authz.challenges.find((c) => c.type === r.challenge);
    if (challenge === undefined) throw new AcmeError(`the CA offers no ${r.challenge} challenge`, domain, r.challenge);
    const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
    try {
      if (challenge.type === 'http-01') r.board.setHttp(challenge.token, keyAuthorization);
      else {
        const [alpnKey, alpnCert] = await acme.crypto.createAlpnCertificate(authz, keyAuthorization);
        r.board.setAlpn(domain, { certPem: alpnCert.toString(), keyPem: alpnKey.toString() });
      }
      await client.completeChallenge(challenge);
      await client.waitForValidStatus(challenge);
    } catch (err) {
      await client.deactivateAuthorization(authz).catch(() => undefined);
      throw new AcmeError(message(err), domain, r.challenge);
    } finally {
      if (challenge.type === 'http-01') r.board.removeHttp(challenge.token);
      else r.board.removeAlpn(domain);
    }
  }
  const [keyPem, csr] = await acme.crypto.createCsr({ altNames: [...r.domains] }, await acme.crypto.createPrivateEcdsaKey());
  try {
    const finalized = await client.finalizeOrder(order, csr);
    const certPem = await client.getCertificate(finalized);
    return { certPem, keyPem: keyPem.toString(), accountKeyPem };
  } catch (err) {
    throw new AcmeError(`finalize: ${message(err)}`, null, null);
  }
};

/** GET of the directory with a deadline: an unreachable or wrong URL is named at once. */
function probeDirectory(url: string, ca: string | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => reject(new AcmeError(`directory ${url}: ${why}`, null, null));
    const req = https.get(url, { timeout: 15_000, ...(ca === null ? {} : { ca }) }, (res) => {
      res.resume();
      const ok = res.statusCode === 200 && /json/.test(res.headers['content-type'] ?? '');
      if (ok) resolve();
      else fail(`answered HTTP ${res.statusCode ?? '?'} ${res.headers['content-type'] ?? ''}, not an ACME directory`);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  });
}

function message(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  // The form publishlab/node-acme-client#101 turns a network error into.
  const text = /reading 'config'/.test(raw) ? 'the ACME server did not answer (network error)' : raw;
  // One line, bounded: it goes to the log and the dashboard.
  return text.replace(/\s+/g, ' ').slice(0, 500);
}
