// Ports of the personal-data use cases (audit log, export and erasure on request, retention).
// The DynamoDB adapters implement them (adapters/dynamodb/audit.ts, privacy.ts); tests pass fakes.
import type { FinalRow, PersonRecord } from './contest-ports.ts';

export type AuditAction = 'results.export' | 'person.export' | 'person.erase' | 'retention.purge';

/** Who did it: the staff member from the verified token claims, or the retention schedule. */
export interface Actor {
  userId: string;
  email: string;
}

export interface AuditEntry {
  id: string;
  /** Server time, ISO. */
  at: string;
  actor: Actor;
  action: AuditAction;
  contestId?: string;
  /** The person concerned, masked (`0912***678`): the log must not become a copy of what it guards. */
  subject?: string;
  /** Export format (json, csv, xlsx). */
  format?: string;
  details?: Record<string, number | string | boolean>;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Cursor for the next (older) page; absent on the last page. */
  next?: string;
}

export interface AuditLog {
  /** Resolves once the entry is durably stored; rejects otherwise (the request then fails). */
  append(entry: AuditEntry): Promise<void>;
  /** Newest first, entries strictly before `before` (a cursor from `next`, or an ISO instant). */
  list(limit: number, before: string): Promise<AuditPage>;
}

/** The person item with what only storage and privacy need: every attempt id and start key. */
export interface StoredPerson extends PersonRecord {
  birthYear?: number | null;
  /** Recorded at each reservation (missing on items written before this was introduced). */
  attemptIds: string[];
  /** Idempotency keys of keyed starts: each derives its attempt id (keyedAttemptId). */
  startKeys: string[];
}

/** A DynamoDB transaction holds 100 items: the person and up to 99 attempts. */
export const MAX_ATTEMPTS_PER_ERASURE = 99;

export interface ErasureCommit {
  contestId: string;
  phone: string;
  /** The person item as read: the delete fails if either changed (a concurrent start or score). */
  /** `attemptsUsed` is undefined for a person of a contest with rounds (counted per round): then the attempt ids' count is checked. */
  expected: { version: number; attemptsUsed: number | undefined; attemptIds?: number };
  /** Attempt items to delete, each with the status it was read in; `absent` = must still not exist. */
  attempts: { id: string; status: 'open' | 'submitted' | 'absent' }[];
}

export interface PersonDataStore {
  /** The person item, consistent read. */
  getPerson(contestId: string, phone: string): Promise<StoredPerson | undefined>;
  /** Every person of a contest, with attempt ids, strongly consistent (retention only). */
  /** Every person of the contest, or of one people partition (0..PEOPLE_SHARDS-1). */
  listPeople(contestId: string, shard?: number): Promise<StoredPerson[]>;
  /**
   * One transaction: delete the person if unchanged and the attempts if each is still in the status
   * read. 'changed' when any condition failed. The counters follow through the stream.
   */
  erase(commit: ErasureCommit): Promise<'ok' | 'changed'>;
  /** Deletes attempt items with no condition (submitted attempts are immutable). */
  deleteAttempts(attemptIds: string[]): Promise<void>;
  /**
   * Retention: deletes each person's attempts, then the person items (a crash leaves nothing
   * unfindable). Each item is first marked `purged`, so the counters keep what it contributed.
   */
  purge(contestId: string, people: { phone: string; attemptIds: string[] }[]): Promise<void>;
  /** Replaces the final ranking: writes the pages of `rows` and deletes any page beyond them. */
  /** With `roundNo`, an explicit round's final ranking (docs/rounds.md). */
  replaceFinal(contestId: string, rows: FinalRow[], roundNo?: number): Promise<void>;
  /** Writes FINAL# pages `firstPage`.. (the re-rank job copies its staged ranking group by group); with `roundNo`, a round's. */
  writeFinalPages(contestId: string, firstPage: number, pages: FinalRow[][], roundNo?: number): Promise<void>;
  /** Deletes FINAL# pages from `fromPage` on; with `roundNo`, a round's. */
  dropFinalPages(contestId: string, fromPage: number, roundNo?: number): Promise<void>;
}
