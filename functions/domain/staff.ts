// Staff roles. Cognito groups carry the same names; the route table says which roles may call a route.

/** Highest first: someone in several groups acts with the first one they hold. */
export const ROLES = ['admin', 'organizer', 'observer'] as const;
export type Role = (typeof ROLES)[number];
