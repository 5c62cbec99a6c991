// Whether a request on the admin port was fired by a page of another site. The Icecast admin API
// changes state with GET (/admin/metadata, /admin/killsource, …), so any page could make a
// browser that holds the admin credentials send one. Browsers say where a request comes from
// (Fetch Metadata: Sec-Fetch-Site; RFC 6454 §7: Origin); tools (curl, encoders, the dashboard)
// send neither and are unaffected. Pure.

export interface CrossSiteInput {
  /** Sec-Fetch-Site, if sent. */
  readonly secFetchSite: string | undefined;
  /** Origin, if sent. */
  readonly origin: string | undefined;
  /** The Host the request was sent to. */
  readonly host: string | undefined;
  readonly proto: 'http' | 'https';
}

/** null when the request may pass; otherwise the reason it is refused. */
export function crossSiteReason(input: CrossSiteInput): string | null {
  const site = input.secFetchSite?.trim().toLowerCase();
  // same-origin, and none (typed into the address bar, a bookmark) are the user's own requests.
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site is ${site.slice(0, 20)}`;
  if (input.origin === undefined) return null;
  const own = input.host === undefined ? null : `${input.proto}://${input.host}`.toLowerCase();
  if (own === null || input.origin.trim().toLowerCase() !== own) return 'the Origin is not the admin port itself';
  return null;
}
