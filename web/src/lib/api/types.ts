// Shapes of API contract v1 as the participant app reads them. Fields marked
// "assumed" are not spelled out in PRODUCT.md; the UI works without them.

export type ContestStatus = 'draft' | 'published' | 'closed';
export type ShowAnswers = 'after_submit' | 'after_close' | 'never';

export interface UnitRef {
  id: string;
  name: string;
}

export interface Unit extends UnitRef {
  kind?: string;
  memberCount?: number;
}

export interface PublicContest {
  id: string;
  title: string;
  description?: string | null;
  rules?: string | null;
  startsAt: string;
  endsAt: string;
  status: ContestStatus;
  /** draft, scheduled, open, ended or closed, on the server's clock when the answer was built */
  phase?: string;
  questionsPerAttempt: number;
  timeLimitSec: number;
  maxAttempts: number;
  unitIds?: string[];
  /** assumed: the units with their names, so the form needs no second request */
  units?: UnitRef[];
  villages?: string[] | null;
  prediction?: { prompt: string } | null;
  showAnswers?: ShowAnswers;
  /** assumed: live count of distinct participants */
  participants?: number;
  /** assumed: server time when the answer was built */
  serverNow?: string;
  /** Leading zero bits of the proof of work a start needs (X-Start-Proof); 0 or absent: none. */
  startProofBits?: number;
  /** When it was closed, once closed (an early close comes before endsAt). */
  closedAt?: string;
}

export interface AttemptOption {
  id: string;
  text: string;
}

export interface AttemptQuestion {
  id: string;
  text: string;
  multiple: boolean;
  options: AttemptOption[];
}

export type Answers = Record<string, string[]>;

export interface AttemptStart {
  attemptId: string;
  attemptToken: string;
  attemptNo: number;
  /** The name the attempt counts under: the phone's registration (docs/identity.md). */
  fullName?: string;
  attemptsLeft: number;
  startedAt: string;
  deadline: string;
  serverNow: string;
  questions: AttemptQuestion[];
  prediction?: { prompt: string } | null;
  /** assumed, optional: which contest the attempt belongs to */
  contestId?: string;
}

/** GET /api/attempts/{id}: the start payload again, with what the server has saved. */
export interface AttemptResume extends Omit<AttemptStart, 'attemptToken'> {
  attemptToken?: string;
  savedAnswers?: Answers;
  /** open while it can still be answered; anything else means finished on the server */
  status: string;
  /** assumed, optional */
  savedPrediction?: number | null;
  /** the submit result, once the attempt is scored */
  result?: SubmitResult;
}

export interface SubmitResult {
  attemptId: string;
  correctCount: number;
  questionCount: number;
  durationMs: number;
  submittedAt: string;
  late: boolean;
  best: { correctCount: number; durationMs: number };
  /** assumed, optional: some servers may add these */
  attemptsLeft?: number;
  rank?: number;
  review?: unknown;
}

export interface RegistrationBody {
  fullName: string;
  phone: string;
  unitId: string;
  village?: string;
  birthYear?: number;
  consent: true;
  /** Continue as the phone's registration after 409 PHONE_NAME_MISMATCH. */
  confirmSharedPhone?: true;
}

/** details of 409 PHONE_NAME_MISMATCH: the phone's registration, by its initials. */
export interface SharedPhone {
  maskedName: string;
  attemptsLeft: number;
}

export interface LeaderboardEntry {
  rank: number;
  fullName: string;
  phoneMasked: string;
  unitId: string;
  unitName: string;
  village?: string | null;
  correctCount: number;
  durationMs: number;
}

export interface Leaderboard {
  final: boolean;
  items: LeaderboardEntry[];
}

export interface UnitStanding {
  rank: number;
  unitId: string;
  name: string;
  memberCount: number;
  participants: number;
  participationRate: number;
  averageCorrect: number;
}
