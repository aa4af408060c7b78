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
export type FieldProblem = 'required' | 'invalid';
export type FieldErrors = Partial<Record<Field, FieldProblem>>;

/**
 * "+84 912 345 678", "84912345678", "0912.345.678", "0912-345-678", "(+84) 0912 345 678"
 * all become "0912345678"; null when it cannot be a Vietnamese phone number.
 */
export function normalizePhone(input: string): string | null {
  let s = input.trim().replace(/[\s.\-()/]/g, '');
  if (s.startsWith('+84')) s = '0' + s.slice(3);
  else if (s.startsWith('0084')) s = '0' + s.slice(4);
  else if (s.startsWith('84') && s.length >= 11) s = '0' + s.slice(2);
  if (s.startsWith('00')) s = s.slice(1);
  // 10-digit mobile numbers, 11-digit landlines (02x).
  return /^0[1-9]\d{8}$/.test(s) || /^02\d{9}$/.test(s) ? s : null;
}

export function validateRegistration(
  v: RegistrationValues,
  opts: { hasVillages: boolean; currentYear: number },
): { errors: FieldErrors; body?: RegistrationBody } {
  const errors: FieldErrors = {};
  const fullName = v.fullName.trim().replace(/\s+/g, ' ');
  if (fullName.length < 2) errors.fullName = 'required';
  else if (fullName.length > 100) errors.fullName = 'invalid';

  const phone = normalizePhone(v.phone);
  if (!v.phone.trim()) errors.phone = 'required';
  else if (!phone) errors.phone = 'invalid';

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
