// The port-role rules (docs/gateway-security.md#port-roles) as one pure function. Each role lists what it may do; every
// other request is refused (fail closed). Source credentials are admin credentials for their
// mount on Icecast 2.4.4 (killsource, listclients: docs/icecast-compatibility.md#admin-authentication), so the source port
// forwards exactly one admin command, /admin/metadata, plus /admin.cgi when enabled.
import { isIP } from 'node:net';
import { plainAddress } from '../stream/client-ip.ts';
import { classify, isMount, targetOf, type Target, type Verb } from './classify.ts';
import { allow, deny } from './decision.ts';
import { PORT_ROLES, type Decision, type PolicyRequest } from './types.ts';

export interface PolicyOptions {
  /** Forward SHOUTcast-style GET /admin.cgi?pass=…&mode=updinfo on the source port (password in the URL). */
  readonly adminCgi: boolean;
  /** Serve the listening page "/" on listener ports. */
  readonly listeningPage: boolean;
  /** Serve /status-json.xsl and /api/v1/status on listener ports. */
  readonly publicStatus: boolean;
}

export interface Policy {
  readonly options: PolicyOptions;
}

export const DEFAULT_POLICY_OPTIONS: PolicyOptions = { adminCgi: false, listeningPage: true, publicStatus: true };

/** Compiled once at load; the result is frozen. */
export function compilePolicy(options: Partial<PolicyOptions> = {}): Policy {
  return Object.freeze({ options: Object.freeze({ ...DEFAULT_POLICY_OPTIONS, ...options }) });
}

/** The mount a request is about: from the path, or from ?mount= for admin commands. */
export function mountOf(path: string, query: URLSearchParams): string | null {
  const target = targetOf(path);
  if (target.kind === 'mount' || target.kind === 'playlist' || target.kind === 'hls') return target.mount;
  if (target.kind === 'metadata' || target.kind === 'admin-cgi' || target.kind === 'admin') {
    const mount = query.get('mount');
    return mount !== null && isMount(mount) ? mount : null;
  }
  return null;
}

export function evaluate(policy: Policy, request: PolicyRequest): Decision {
  if (!PORT_ROLES.includes(request.role)) return deny('GW_WRONG_PORT', 'unknown port role');
  if (isIP(plainAddress(request.clientIp)) === 0) return deny('GW_CLIENT_ADDRESS', 'the client address is not an IP address');
  const mount = mountOf(request.path, request.query);
  if (request.mount !== mount) return deny('GW_INTERNAL', 'the request names a mount its path does not');
  const { verb, target } = classify(request.method, request.path);
  switch (request.role) {
    case 'source':
      return sourcePort(policy.options, request.method, verb, target, mount);
    case 'listener':
      return listenerPort(policy.options, verb, target, mount);
    case 'admin':
      return adminPort(request.method, target, mount);
  }
}

function sourcePort(options: PolicyOptions, method: string, verb: Verb, target: Target, mount: string | null): Decision {
  if (verb === 'push') return target.kind === 'mount' ? allow('source', mount) : elsewhere(target, 'sources push to a mount only');
  if (method !== 'GET') return deny('GW_METHOD_NOT_ALLOWED', 'the source port takes PUT or SOURCE to a mount, and GET for metadata');
  if (target.kind === 'metadata') {
    return mount === null ? deny('GW_BAD_TARGET', 'a metadata update names its mount (?mount=)') : allow('metadata', mount);
  }
  if (target.kind === 'admin-cgi' && options.adminCgi) return allow('metadata', mount);
  if (target.kind === 'admin-cgi') return deny('GW_NOT_FOUND', '/admin.cgi is disabled');
  return elsewhere(target, 'the source port forwards no other admin command or listener path');
}

function listenerPort(options: PolicyOptions, verb: Verb, target: Target, mount: string | null): Decision {
  if (verb !== 'read' && verb !== 'options') return deny('GW_METHOD_NOT_ALLOWED', 'listener ports take GET, HEAD and OPTIONS only');
  switch (target.kind) {
    case 'mount':
      return allow('stream', mount);
    case 'playlist':
      return allow('playlist', mount);
    case 'hls':
      return allow('hls', mount);
    case 'status':
      return options.publicStatus ? allow('status') : deny('GW_NOT_FOUND', 'public status is disabled');
    case 'page':
      return options.listeningPage ? allow('page') : deny('GW_NOT_FOUND', 'the listening page is disabled');
    case 'asterisk':
      return deny('GW_BAD_TARGET', 'OPTIONS * is not served on listener ports');
    default:
      return elsewhere(target, 'admin paths, metrics and templates are not served on listener ports');
  }
}

function adminPort(method: string, target: Target, mount: string | null): Decision {
  if (method !== 'GET') return deny('GW_METHOD_NOT_ALLOWED', 'the admin port takes GET only');
  if ((target.kind === 'admin' && target.exact) || target.kind === 'metadata') return allow('admin', mount);
  if (target.kind === 'metrics' && target.exact) return allow('metrics');
  if (target.kind === 'admin' || target.kind === 'metrics') return deny('GW_NOT_FOUND', 'not the canonical spelling of an admin path');
  return elsewhere(target, 'the admin port serves the admin API and /metrics only');
}

/** A known path that belongs to another role is 403; anything else is 404. */
function elsewhere(target: Target, reason: string): Decision {
  return target.kind === 'unknown' ? deny('GW_NOT_FOUND', target.reason) : deny('GW_WRONG_PORT', reason);
}
