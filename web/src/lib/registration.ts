// Registration form rules, pure so they are unit-tested: the phone accepted the ways
// people type it, and the server's VALIDATION_FAILED details mapped back onto fields.
import type { RegistrationBody } from './api/types.ts';

export const FIELDS = ['fullName', 'phone', 'unitId', 'village', 'birthYear', 'consent'] as const;
export type Field = (typeof FIELDS)[number];

export interface RegistrationValues {
  fullName: string;
  phone: string;
  unitId: string;
  village: string;
  birthYear: string;
  consent: boolean;
}

/** What went wrong with a field; the form turns it into a catalog message. */
export type FieldProblem = 'required' | 'invalid' | 'short' | 'long';
export type FieldErrors = Partial<Record<Field, FieldProblem>>;

// The same rule as the server's (functions/domain/phone.ts; a unit test keeps them in step),
// so the person hears about a typo before spending a request on 3G.
const MOBILE = /^0[35789]\d{8}$/;
const SEPARATORS = /[\s.\-\u2010-\u2015\u2212()/]/g;
const SHAPE = /^(?:(?:\+|00)84|84(?=0?\d{9}$))?0?(\d{9})$/;

/**
 * "+84 912 345 678", "84912345678", "0912.345.678", "0912-345-678", "(+84) 0912 345 678"
 * all become "0912345678"; null when it cannot be a Vietnamese mobile number.
 */
export function normalizePhone(input: string): string | null {
  const match = SHAPE.exec(input.normalize('NFKC').replace(SEPARATORS, ''));
  const phone = match ? `0${match[1]}` : null;
  return phone !== null && MOBILE.test(phone) ? phone : null;
}

/**
 * The digits of a typed number as it is dialled at home (country code dropped, the leading 0 put
 * back), so "a digit is missing" can be said: a mobile number has 10.
 */
export function nationalDigits(input: string): number {
  const digits = input.normalize('NFKC').replace(/\D/g, '');
  const local = /^\s*(\+|00)84/.test(input.normalize('NFKC')) ? digits.replace(/^(00)?84/, '') : digits;
  return local.startsWith('0') ? local.length : local.length + 1;
}

/** Why a typed phone is not accepted: too few digits, too many, or something else. */
export function phoneProblem(input: string): FieldProblem | undefined {
  if (!input.trim()) return 'required';
  if (normalizePhone(input)) return undefined;
  if (/^[\d\s.\-\u2010-\u2015\u2212()/+]+$/.test(input.normalize('NFKC'))) {
    const n = nationalDigits(input);
    if (n < 10) return 'short';
    if (n > 10) return 'long';
  }
  return 'invalid';
}

export function validateRegistration(
  v: RegistrationValues,
  opts: { hasVillages: boolean; currentYear: number },
): { errors: FieldErrors; body?: RegistrationBody } {
  const errors: FieldErrors = {};
  const fullName = v.fullName.normalize('NFC').trim().replace(/\s+/g, ' ');
  const length = [...fullName].length;
  if (length === 0) errors.fullName = 'required';
  else if (length < 2 || length > 80 || !/\p{L}/u.test(fullName)) errors.fullName = 'invalid';

  const phone = normalizePhone(v.phone);
  const phoneIssue = phoneProblem(v.phone);
  if (phoneIssue) errors.phone = phoneIssue;

  if (!v.unitId) errors.unitId = 'required';
  if (opts.hasVillages && !v.village) errors.village = 'required';

  let birthYear: number | undefined;
  const by = v.birthYear.trim();
  if (by) {
    birthYear = Number(by);
    if (!Number.isInteger(birthYear) || birthYear < 1900 || birthYear > opts.currentYear) errors.birthYear = 'invalid';
  }
  if (!v.consent) errors.consent = 'required';

  if (Object.keys(errors).length > 0) return { errors };
  const body: RegistrationBody = { fullName, phone: phone!, unitId: v.unitId, consent: true };
  if (opts.hasVillages && v.village) body.village = v.village;
  if (birthYear !== undefined) body.birthYear = birthYear;
  return { errors, body };
}

function fieldOf(raw: unknown): Field | undefined {
  let name: unknown = raw;
  if (Array.isArray(raw)) name = raw[0];
  if (typeof name !== 'string') return undefined;
  const key = name.replace(/^(body|\/)\.?/, '').split(/[./[]/)[0];
  return (FIELDS as readonly string[]).includes(key ?? '') ? (key as Field) : undefined;
}

/**
 * VALIDATION_FAILED "details lists fields"; the exact shape is not fixed by the contract,
 * so accept the common ones: ["phone"], [{field|path|name, message}], {phone: "..."},
 * and zod's {fieldErrors: {phone: [...]}}.
 */
export function fieldErrorsFromDetails(details: unknown): FieldErrors {
  const out: FieldErrors = {};
  const add = (raw: unknown) => {
    const f = fieldOf(raw);
    if (f) out[f] = 'invalid';
  };
  if (Array.isArray(details)) {
    for (const d of details) {
      if (typeof d === 'string') add(d);
      else if (d && typeof d === 'object') {
        const o = d as Record<string, unknown>;
        add(o.field ?? o.path ?? o.name ?? o.instancePath);
      }
    }
  } else if (details && typeof details === 'object') {
    const o = details as Record<string, unknown>;
    const src = (o.fieldErrors && typeof o.fieldErrors === 'object' ? o.fieldErrors : o.fields && typeof o.fields === 'object' && !Array.isArray(o.fields) ? o.fields : o) as Record<string, unknown>;
    if (Array.isArray(o.fields)) return fieldErrorsFromDetails(o.fields);
    for (const k of Object.keys(src)) add(k);
  }
  return out;
}
