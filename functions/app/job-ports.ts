// Ports of the background jobs (app/jobs.ts): where jobs and their checkpoints are kept, how a job
// is handed to a worker, and where exported files go. DynamoDB, SQS and S3 implement them on AWS;
// the same DynamoDB and S3 code (against the emulators) and an in-process runner locally.
import type { FinalRow } from './contest-ports.ts';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobRecord {
  id: string;
  kind: string;
  contestId: string;
  /** Staff id of who started it (only they and admins may read it); `system` for scheduled work. */
  owner: string;
  status: JobStatus;
  progress: { done: number; total: number };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  error?: { code: string; message: string };
  /** What the kind produced (an export: the file's key, bytes and rows; signed into a link when read). */
  result?: Record<string, unknown>;
  /** The request that created it (an export's format, kind, round...). */
  params: Record<string, unknown>;
  /** The checkpoint: where the next step starts. Written only after that step's output is stored. */
  state: Record<string, unknown>;
  /** Steps that threw since the last one that succeeded (the job fails after MAX_STEP_FAILURES). */
  failures: number;
  version: number;
}

export interface JobStore {
  /** Writes the job and its active marker; false when a job with this id exists. */
  create(job: JobRecord): Promise<boolean>;
  get(jobId: string): Promise<JobRecord | undefined>;
  /** Writes the job if its stored version is still `job.version - 1`; ended jobs lose their active marker. */
  replace(job: JobRecord): Promise<boolean>;
  /** Removes the active marker of an ended job (left by a crash between the two writes). */
  dropActive(jobId: string): Promise<void>;
  /** Ids of jobs not yet ended (the local runner resumes them at start). */
  active(): Promise<string[]>;
  /**
   * Rows a job ranked itself (an export of a contest not yet final; with `run`, one of a close's
   * sorted runs), in pages; rewriting a page is harmless. Each `run` is a sequence of its own.
   */
  putRowPages(jobId: string, firstPage: number, pages: FinalRow[][], run?: string): Promise<void>;
  /** Drops pages from `fromPage` on (left by an earlier, longer run of the same step). */
  dropRowPages(jobId: string, fromPage: number, run?: string): Promise<void>;
  rowPages(jobId: string, fromPage: number, maxPages: number, run?: string): Promise<FinalRow[][]>;
}

/** Hands a job to whatever runs jobs: an SQS message on AWS, the in-process runner locally. */
export interface JobQueue {
  enqueue(jobId: string): Promise<void>;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** Private file storage (S3): multipart uploads with parts numbered by the caller, signed links. */
export interface FileStore {
  startUpload(key: string, contentType: string, filename: string): Promise<string>;
  /** Uploading the same part number again replaces it: a redone step is harmless. */
  putPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart>;
  /** Completes the upload; when it was already completed (a redone step), checks the object is there. */
  complete(key: string, uploadId: string, parts: UploadedPart[]): Promise<void>;
  abort(key: string, uploadId: string): Promise<void>;
  /** The object's size, or undefined when it does not exist. */
  size(key: string): Promise<number | undefined>;
  /** A GET link valid `seconds` from `now`. */
  signedUrl(key: string, filename: string, now: Date, seconds: number): Promise<string>;
  /** Smallest part S3 accepts (but the last): 5 MiB on AWS. */
  readonly minPartBytes: number;
}
