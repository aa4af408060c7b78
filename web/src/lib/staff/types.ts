// Shapes of the staff routes of API contract v1 (and the additions documented in README "API").
import type { ContestStatus, ShowAnswers, UnitStanding } from '../api/types.ts';

export type Role = 'admin' | 'organizer' | 'observer';
export const ROLES: readonly Role[] = ['admin', 'organizer', 'observer'];

export interface LoginResponse {
  token: string;
  role: Role;
  expiresAt: string;
}

export type UnitKind = 'mass_organization' | 'agency' | 'school' | 'health' | 'police' | 'other';
export const UNIT_KINDS: readonly UnitKind[] = ['mass_organization', 'agency', 'school', 'health', 'police', 'other'];

export interface StaffUnit {
  id: string;
  name: string;
  kind: UnitKind;
  memberCount: number;
}

export interface StaffUser {
  id: string;
  email: string;
  role: Role;
  displayName?: string;
  createdAt?: string;
}

export type ContestPhase = 'draft' | 'scheduled' | 'open' | 'ended' | 'closed';

export interface ContestFields {
  title: string;
  description?: string;
  rules?: string;
  startsAt: string;
  endsAt: string;
  questionsPerAttempt: number;
  timeLimitSec: number;
  maxAttempts: number;
  unitIds: string[];
  villages: string[];
  prediction: { prompt: string } | null;
  showAnswers: ShowAnswers;
  /** Days after the close that phone numbers are kept (default 365); editable in every status. */
  retentionDays?: number;
}

export interface AdminContest extends ContestFields {
  id: string;
  status: ContestStatus;
  phase: ContestPhase;
  questionCount: number;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  closedAt?: string;
  /** closedAt + retentionDays */
  personalDataDueAt?: string;
  /** set once the phone numbers were removed */
  purgedAt?: string;
}

export interface QuestionInput {
  text: string;
  options: string[];
  correct: number[];
  topic?: string;
  explanation?: string;
}

export interface AdminQuestion extends QuestionInput {
  id: string;
  multiple: boolean;
}

export interface ImportPreview {
  /** `row`: the spreadsheet row as Excel numbers it (header = 1). */
  questions: (QuestionInput & { multiple: boolean; row: number })[];
  total: number;
}

export interface ImportRowError {
  row: number;
  message: string;
}

export interface ResultRow {
  rank: number;
  fullName: string;
  phone: string;
  unitId: string;
  unitName: string;
  village: string | null;
  correctCount: number;
  prediction: number | null;
  predictionError: number | null;
  durationMs: number;
  submittedAt: string;
  attempts: number;
}

export interface Results {
  final: boolean;
  participants: number;
  items: ResultRow[];
}

/** A unit's figures in the statistics: its standing without the rank. */
export type UnitStat = Omit<UnitStanding, 'rank'>;

export interface Stats {
  participants: number;
  attempts: number;
  byUnit: UnitStat[];
  byVillage: { village: string; participants: number }[];
  byDay: { date: string; participants: number; attempts: number }[];
  scoreHistogram: { correctCount: number; people: number }[];
}

export interface FieldIssue {
  field: string;
  message: string;
}
