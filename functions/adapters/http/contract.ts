// Request and response schemas of API contract v1. The handlers validate with these and
// GET /api/openapi.json is generated from them, so the description cannot drift from the code.
import { z } from 'zod';

/** Trimmed, NFC-normalised text with control characters removed. */
export const text = (min: number, max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(min).max(max));

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.string().regex(/^[A-Z_]+$/),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const Health = z.object({ status: z.literal('ok') });

// --- auth and staff accounts ---------------------------------------------------------
export const RoleSchema = z.enum(['admin', 'organizer', 'observer']);

/** Matches the Cognito pool's password policy (infra): 10+ characters, upper, lower, digit, symbol. */
export const Password = z
  .string()
  .min(10)
  .max(128)
  .regex(/[a-z]/, 'needs a lowercase letter')
  .regex(/[A-Z]/, 'needs an uppercase letter')
  .regex(/[0-9]/, 'needs a digit')
  .regex(/[^A-Za-z0-9]/, 'needs a symbol');

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(254));

export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1).max(256),
  /** Only when Cognito asks for a new password (first sign-in of an invited admin on AWS). */
  newPassword: Password.optional(),
});
export const LoginResponse = z.object({ token: z.string(), role: RoleSchema, expiresAt: z.iso.datetime() });

export const CreateUserBody = z.strictObject({
  email: Email,
  password: Password,
  role: RoleSchema,
  displayName: text(1, 80).optional(),
});
export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleSchema,
    displayName: z.string().optional(),
    createdAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'User' });
export const UserList = z.object({ items: z.array(User) });

// --- units --------------------------------------------------------------------------
export const UnitKind = z.enum(['mass_organization', 'agency', 'school', 'health', 'police', 'other']);
export const MemberCount = z.int().min(0).max(1_000_000);

export const CreateUnitBody = z.strictObject({
  name: text(1, 120),
  kind: UnitKind.optional(),
  memberCount: MemberCount,
});
export const PatchUnitBody = z
  .strictObject({ name: text(1, 120).optional(), kind: UnitKind.optional(), memberCount: MemberCount.optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'Give at least one of name, kind, memberCount' });
export const Unit = z
  .object({ id: z.string(), name: z.string(), kind: UnitKind, memberCount: z.int() })
  .meta({ id: 'Unit' });
export const UnitList = z.object({ items: z.array(Unit) });
export const UnitIdParams = z.object({ unitId: Id });
