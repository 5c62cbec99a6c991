// Links: labelled invitations to a mount with `auth: token`, made, watched and revoked by the
// operator over the control API (docs/api.md), the dashboard's Links pane and `icegate link`.
// A link is a signed listener token plus what the operator needs to tell links apart; it is kept
// in the state directory and survives restarts. Revoking a link cuts every player using it.
//
//   POST   /v1/links          body LinkCreateRequest → 200 LinkResult; 400 "bad-request" (label,
//                              lifetime or limit out of range), 404 "unknown-mount", 409
//                              "mount-not-token" (the mount has no `auth: token`)
//   GET    /v1/links          → LinksPage (revoked and expired links included, newest first)
//   DELETE /v1/links/{id}     → 200 LinkResult (revoked; idempotent), 404 "unknown-link"
//
// Every action is audit-logged like the others. Labels are the operator's words, stored as given
// (within LINK_LABEL_MAX characters, no control characters) and escaped by every output.

/** Bounds the API enforces (400 "bad-request" outside them). */
export const LINK_LABEL_MAX = 80;
export const LINK_TTL_MIN_SECONDS = 60;
export const LINK_TTL_MAX_SECONDS = 366 * 24 * 3600;
export const LINK_MAX_LISTENERS_MAX = 10_000;

export interface LinkCreateRequest {
  mount: string;
  label: string;
  ttlSeconds: number;
  /** Players at once through this link; absent or null = no limit beyond the mount's. */
  maxListeners?: number | null;
}

export interface LinkView {
  /** Short, URL-safe, unique; also carried inside the link's token. */
  id: string;
  label: string;
  mount: string;
  /** The stream a player opens, on the public address, token included. */
  url: string;
  /** The listening page for a browser, token included (it carries it to the stream and HLS). */
  pageUrl: string;
  createdAt: string;
  expiresAt: string;
  maxListeners: number | null;
  revoked: boolean;
  /** expiresAt has passed (an expired link answers like a revoked one). */
  expired: boolean;
  /** Players connected through this link now (stream and HLS sessions). */
  listeners: number;
  lastUsedAt: string | null;
}

export interface LinkResult {
  ok: true;
  link: LinkView;
}

export interface LinksPage {
  links: LinkView[];
}
