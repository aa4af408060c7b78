import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROLES, type Role } from '../../domain/staff.ts';

export interface Staff {
  userId: string;
  email: string;
  roles: Role[];
}

/**
 * API Gateway's JWT authorizer hands claims over as strings; an array claim such as
 * `cognito:groups` arrives as "[admin organizer]". Accept that and a real array.
 */
export function parseGroups(value: unknown): Role[] {
  const raw = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value.replace(/^\[|\]$/g, '').split(/[\s,]+/)
      : [];
  return raw.filter((g): g is Role => (ROLES as readonly string[]).includes(g));
}

/** The staff member behind a request, from the claims the authorizer verified; undefined when there are none. */
export function staffFromEvent(event: APIGatewayProxyEventV2): Staff | undefined {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt
    ?.claims;
  if (!claims || typeof claims.sub !== 'string') return undefined;
  return {
    userId: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : '',
    roles: parseGroups(claims['cognito:groups']),
  };
}

/** The highest role wins when someone is in several groups. */
export const primaryRole = (roles: readonly Role[]): Role | undefined => ROLES.find((r) => roles.includes(r));
