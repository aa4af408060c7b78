// The API contract's version, shared by the server and the web app (a plain constant: the web build
// embeds it without importing any server code). The app sends it on every call (X-Api-Version); an
// app older than the API is refused with 426 APP_OUTDATED and reloads to the new version.
// Bump it, in one commit, with a change an already-installed app cannot follow: a renamed or removed
// field or route, a new required field. Additive changes (a new optional field, a new route) do not
// bump it. docs/api-decisions.md, "API version".

export const API_VERSION = 1;
export const API_VERSION_HEADER = 'x-api-version';

/**
 * A client built for an older contract. No header (curl, the bench, apps from before this check)
 * is served as before; a newer client passes too: the web deploys after the API, so it meets an
 * older API only on a rollback, where reloading could not help.
 */
export function isOutdatedClient(sent: string | undefined): boolean {
  if (sent === undefined) return false;
  return !/^\d{1,6}$/.test(sent.trim()) || Number(sent) < API_VERSION;
}
