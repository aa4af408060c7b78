// Ports of the contest engine. The DynamoDB adapters implement them; the use cases only see these.
import type { ContestAggregate } from '../domain/aggregate.ts';
import type { Contest, SavedAnswers } from '../domain/contest.ts';
import type { DrawnQuestion } from '../domain/draw.ts';
import type { Question } from '../domain/question.ts';
import type { LibraryQuestion } from '../domain/library.ts';
import type { Registration } from '../domain/registration.ts';
import type { RoundState } from '../domain/rounds.ts';

export interface ContestRecord extends Contest {
  villages: string[];
  prediction: { prompt: string } | null;
  showAnswers: NonNullable<Contest['showAnswers']>;
  createdAt: string;
  updatedAt: string;
  createdBy?: string;
  publishedAt?: string;
  closedAt?: string;
  /** Set once the final ranking is written; until then a closed contest's reads fall back to live data. */
  finalizedAt?: string;
  finalParticipants?: number;
  /** Explicit rounds after publication: closed early, finalised (by round number). */
  roundState?: Record<string, RoundState>;
  /** The job closing it (app/close-job.ts): set with status `closed` when the close starts. */
  closeJobId?: string;
  /**
   * Phones erased since the final ranking was last rewritten: readers of the final ranking hide
   * their rows until the re-rank job (`rerankJobId`, app/rerank-job.ts) has rewritten it.
   */
  erasedPhones?: string[];
  rerankJobId?: string;
  /** Set once the retention purge removed the contest's phone numbers (see app/privacy.ts). */
  purgedAt?: string;
  version: number;
}

export interface ContestRepository {
  list(): Promise<ContestRecord[]>;
  get(contestId: string, consistent?: boolean): Promise<ContestRecord | undefined>;
  create(contest: ContestRecord): Promise<void>;
  /** Writes the contest if its stored version is still `contest.version - 1`; false when someone else changed it. */
  replace(contest: ContestRecord): Promise<boolean>;
  questions(contestId: string): Promise<Question[]>;
  countQuestions(contestId: string): Promise<number>;
  /** Stores questions while the contest is a draft (INVALID_STATE otherwise). */
  addQuestions(contestId: string, questions: Question[]): Promise<void>;
  deleteQuestion(contestId: string, questionId: string): Promise<void>;
}

/** A scored attempt's result, as stored on the attempt (a repeated submit answers it again). */
export interface SubmitOutcome {
  attemptId: string;
  correctCount: number;
  questionCount: number;
  durationMs: number;
  submittedAt: string;
  late: boolean;
  /** The person's best once this attempt was applied. */
  best: { correctCount: number; durationMs: number };
}

export interface AttemptRecord {
  id: string;
  contestId: string;
  phone: string;
  attemptNo: number;
  tokenHash: string;
  registration: Registration;
  drawn: DrawnQuestion[];
  startedAt: string;
  deadline: string;
  status: 'open' | 'submitted';
  answers: SavedAnswers;
  prediction?: number | null;
  outcome?: SubmitOutcome;
  /** The explicit round it belongs to (docs/rounds.md); absent in a contest without rounds. */
  roundNo?: number;
}

export interface PersonBestRecord {
  attemptId: string;
  correctCount: number;
  durationMs: number;
  submittedAt: string;
  prediction: number | null;
}

export interface PersonRecord {
  contestId: string;
  phone: string;
  fullName: string;
  attemptsUsed: number;
  scoredAttempts: number;
  /** Registration the aggregates currently count this person under (that of their latest scored attempt). */
  unitId?: string;
  village?: string | null;
  best?: PersonBestRecord;
  /** Submission of the attempt that first made this person a participant (its day counted them once). */
  firstScoredAt?: string;
  version: number;
  /** Every attempt this person started in the contest (erasure, retention and closing find them here). */
  attemptIds?: string[];
  /** The attempts already applied to `best` and `scoredAttempts`: applying one again changes nothing. */
  scoredIds?: string[];
}

export type Reserved =
  | { attemptNo: number; fullName: string }
  | 'duplicate'
  | { otherName: string; attemptsUsed: number };

export interface AttemptStore {
  /**
   * Atomically takes one of the person's attempts, or throws AttemptsExhausted. Returns the attempt
   * number and the name the person is registered under; 'duplicate' when a start with the same
   * idempotency key already took one; `otherName` (nothing taken) when the phone is registered
   * under another name (`nameKey`) and `asRegistered` is not set. With `asRegistered` the attempt
   * is taken for the registration as it is, its name unchanged.
   */
  reserveAttempt(
    contestId: string,
    registration: Registration,
    maxAttempts: number,
    idempotencyKey?: string,
    /** Recorded on the person in the same write, so erasure and retention find every attempt of a person. */
    attemptId?: string,
    asRegistered?: boolean,
    /** Counts against this explicit round's attempts (maxAttempts applies per round). */
    roundNo?: number,
  ): Promise<Reserved>;
  createAttempt(attempt: AttemptRecord): Promise<void>;
  getAttempt(attemptId: string): Promise<AttemptRecord | undefined>;
  /** Merges saved answers while the attempt is open; false when it is no longer open. */
  saveAnswers(attemptId: string, answers: SavedAnswers): Promise<boolean>;
  /**
   * Strongly consistent unless `consistent` is false (half the read cost, a moment behind). With
   * `roundNo`, attemptsUsed, best and scoredAttempts are those of that explicit round.
   */
  getPerson(contestId: string, phone: string, consistent?: boolean, roundNo?: number): Promise<PersonRecord | undefined>;
  /** The commit point of a score: the attempt goes from open to submitted; false when it was not open. */
  submitAttempt(attempt: AttemptRecord & { status: 'submitted'; outcome: SubmitOutcome }): Promise<boolean>;
  /**
   * Applies a scored attempt to its person without reading it first: counts it (once: applying it
   * again changes nothing), moves the person under the attempt's unit and village, and makes it the
   * best when it ranks before the stored best (`replacesBest`). Returns the person's best
   * afterwards; undefined when the person is gone (erased), which is never recreated.
   */
  applyToPerson(attempt: AttemptRecord & { outcome: SubmitOutcome }, candidate: PersonBestRecord): Promise<PersonBestRecord | undefined>;
  /** Corrects the best a scored attempt's outcome reports (it was computed from a stale read). */
  setOutcomeBest(attemptId: string, best: SubmitOutcome['best']): Promise<void>;
  /** Every person of the contest, or of one people partition, strongly consistent (closing); with `roundNo`, seen as in that round. */
  people(contestId: string, shard?: number, roundNo?: number): Promise<PersonRecord[]>;
  /** 1 + the people of the round's live board ahead of this best (live order); null past what a submit may count. */
  liveRank?(contestId: string, phone: string, best: PersonBestRecord, roundNo?: number): Promise<number | null>;
  /** The distinct villages typed in a contest without a village list (eventually consistent read). */
  villages(contestId: string): Promise<string[]>;
  /**
   * Registers `village` for the contest unless it already holds `cap` others: one conditional write.
   * Returns whether it is registered now, and every village registered.
   */
  admitVillage(contestId: string, village: string, cap: number): Promise<{ admitted: boolean; villages: string[] }>;
}

export interface FinalRow {
  rank: number;
  phone: string;
  fullName: string;
  unitId: string;
  village: string | null;
  correctCount: number;
  prediction: number | null;
  predictionError: number | null;
  durationMs: number;
  submittedAt: string;
  attempts: number;
}

/** `roundNo`: an explicit round (docs/rounds.md); absent: the contest's implicit round, as in v1. */
export interface StandingsStore {
  aggregate(contestId: string): Promise<ContestAggregate>;
  /** The live top `limit` by (correct desc, duration asc, submission asc): O(limit) per shard. */
  liveTop(contestId: string, limit: number, roundNo?: number): Promise<PersonRecord[]>;
  /** Every scored person, strongly consistent (staff reads of a ranking not yet final). */
  allScored(contestId: string, roundNo?: number): Promise<PersonRecord[]>;
  /** How many people of one people partition have a scored attempt, strongly consistent, without holding them. */
  countScored(contestId: string, shard: number, roundNo?: number): Promise<number>;
  /** The scored people of one people partition, strongly consistent (the close ranks partition by partition). */
  scoredIn(contestId: string, shard: number, roundNo?: number): Promise<PersonRecord[]>;
  writeFinal(contestId: string, rows: FinalRow[], roundNo?: number): Promise<void>;
  /** Writes final pages `firstPage`.. as given; writing a page again replaces it. */
  writeFinalPages(contestId: string, firstPage: number, pages: FinalRow[][], roundNo?: number): Promise<void>;
  readFinal(contestId: string, limit?: number, roundNo?: number): Promise<FinalRow[]>;
  /** Pages of the final ranking from `fromPage` on, at most `maxPages` (exports stream them). */
  finalPages(contestId: string, fromPage: number, maxPages: number, roundNo?: number): Promise<FinalRow[][]>;
}

/** One page of the library, and the cursor of the next (the last question's id) when there may be more. */
export interface LibraryPage {
  items: LibraryQuestion[];
  next?: string;
}

export interface LibraryFilter {
  topic?: string;
  /** Folded search words (domain/library.ts searchWords): every one must be in the question's text. */
  words: string[];
  limit: number;
  cursor?: string;
}

export interface LibraryRepository {
  get(questionId: string): Promise<LibraryQuestion | undefined>;
  list(filter: LibraryFilter): Promise<LibraryPage>;
  /** Questions per topic (topics with none left out). */
  topics(): Promise<{ topic: string; questions: number }[]>;
  /** Every question of these topics (a publish's snapshot). */
  ofTopics(topics: readonly string[]): Promise<LibraryQuestion[]>;
  /** Stores new questions, their topics' counts in the same transactions. */
  add(questions: LibraryQuestion[]): Promise<void>;
  /** Replaces the content of `previous` (usedBy untouched); false when it changed or went away meanwhile. */
  replace(previous: LibraryQuestion, next: LibraryQuestion): Promise<boolean>;
  /** false when it was already gone. */
  delete(question: LibraryQuestion): Promise<boolean>;
  /** Records that a published contest holds copies of these questions (those still in the library). */
  markUsed(contestId: string, questionIds: readonly string[]): Promise<void>;
}
