// Shapes of the staff routes, derived like the participant ones (../api/types.ts) from the server's
// route table and schemas: type-only imports, nothing of the server in the bundle.
import type * as z from 'zod';
import type * as c from '../../../../functions/adapters/http/contract.ts';
import type { FieldIssue, RowIssue } from '../../../../functions/domain/errors.ts';
import type { BodyOf, ResponseOf } from '../api/types.ts';

export type { ContestPhase, ContestStatus, ShowAnswers } from '../api/types.ts';
export type { FieldIssue };

export type Role = z.output<typeof c.RoleSchema>;
export type UnitKind = z.output<typeof c.UnitKind>;

/** A list the compiler checks names every member of the union. */
const every =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })): L =>
    list;

export const ROLES = every<Role>()(['admin', 'organizer', 'observer']);
export const UNIT_KINDS = every<UnitKind>()(['mass_organization', 'agency', 'school', 'health', 'police', 'other']);

export type LoginResponse = ResponseOf<'POST /api/auth/login'>;
export type StaffUnit = ResponseOf<'POST /api/admin/units'>;
export type StaffUser = ResponseOf<'POST /api/admin/users'>;

/** What an organizer sets on a contest (POST /api/admin/contests; PATCH takes any of it). */
export type ContestFields = BodyOf<'POST /api/admin/contests'>;
export type AdminContest = ResponseOf<'GET /api/admin/contests/{contestId}'>;

export type QuestionInput = BodyOf<'POST /api/admin/contests/{contestId}/questions'>;
export type AdminQuestion = ResponseOf<'POST /api/admin/contests/{contestId}/questions'>;
export type ImportPreview = z.output<typeof c.ImportPreview>;
export type ImportResult = z.output<typeof c.ImportResult>;
/** The details of IMPORT_INVALID. */
export type ImportRowError = RowIssue;

export type LibraryQuestion = ResponseOf<'POST /api/admin/library'>;
export type LibraryPage = ResponseOf<'GET /api/admin/library'>;
export type LibraryTopic = ResponseOf<'GET /api/admin/library/topics'>['items'][number];
export type LibraryQuestionInput = BodyOf<'POST /api/admin/library'>;
/** A contest's topic quotas (contract v2). */
export type TopicQuota = NonNullable<ContestFields['draw']>[number];

export type Results = ResponseOf<'GET /api/admin/contests/{contestId}/results'>;
export type ResultRow = Results['items'][number];
export type Stats = ResponseOf<'GET /api/admin/contests/{contestId}/stats'>;
/** A unit's figures in the statistics: its standing without the rank. */
export type UnitStat = Stats['byUnit'][number];

/** A background job (contract v2): a close or an export, with its progress and, for an export, a signed link. */
export type Job = ResponseOf<'GET /api/admin/jobs/{jobId}'>['job'];
export type ExportBody = BodyOf<'POST /api/admin/contests/{contestId}/exports'>;
