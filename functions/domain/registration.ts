// The participant form of POST /api/contests/{id}/attempts, checked against its contest.
import { isValidBirthYear } from './contest.ts';
import type { Contest } from './contest.ts';
import { LIMITS } from './limits.ts';
import { ValidationFailed } from './errors.ts';
import type { FieldIssue } from './errors.ts';
import { cleanText, normalizeName } from './names.ts';
import { normalizePhone } from './phone.ts';
import type { Instant } from './time.ts';

export interface RegistrationInput {
  fullName: string;
  phone: string;
  unitId: string;
  village?: string | null;
  birthYear?: number | null;
  consent: boolean;
}

export interface Registration {
  fullName: string;
  /** Canonical `0xxxxxxxxx`: the person's identity in the contest. */
  phone: string;
  unitId: string;
  village: string | null;
  birthYear: number | null;
}

const fold = (s: string) => cleanText(s).toLocaleLowerCase('vi');

/**
 * Normalises the form or throws ValidationFailed listing every bad field. The village is
 * optional; when the contest lists villages, a given one must be on the list (matched
 * ignoring case and spacing, returned in the list's spelling) so statistics do not split
 * on typing.
 */
export function checkRegistration(
  input: RegistrationInput,
  contest: Pick<Contest, 'unitIds' | 'villages'>,
  now: Instant,
): Registration {
  const issues: FieldIssue[] = [];
  const fullName = normalizeName(input.fullName);
  if (fullName === null) issues.push({ field: 'fullName', message: 'a name of 2 to 80 characters' });
  const phone = normalizePhone(input.phone);
  if (phone === null) issues.push({ field: 'phone', message: 'a Vietnamese mobile number' });
  if (!contest.unitIds.includes(input.unitId)) issues.push({ field: 'unitId', message: 'not a unit of this contest' });

  const typed = input.village == null ? '' : cleanText(input.village);
  const listed = contest.villages ?? [];
  let village: string | null = typed === '' ? null : typed;
  if (village !== null && listed.length > 0) {
    village = listed.find((v) => fold(v) === fold(typed)) ?? null;
    if (village === null) issues.push({ field: 'village', message: 'choose one of the contest villages' });
  } else if (typed.length > LIMITS.villageName.max) {
    issues.push({ field: 'village', message: `at most ${LIMITS.villageName.max} characters` });
  }

  const birthYear = input.birthYear ?? null;
  if (birthYear !== null && !isValidBirthYear(birthYear, now)) issues.push({ field: 'birthYear', message: 'not a valid year' });
  if (input.consent !== true) issues.push({ field: 'consent', message: 'consent is required' });

  if (issues.length > 0 || fullName === null || phone === null) throw new ValidationFailed(issues);
  return { fullName, phone, unitId: input.unitId, village, birthYear };
}
