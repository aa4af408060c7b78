// Request and response schemas of API contract v1. The handlers validate with these and
// GET /api/openapi.json is generated from them, so the description cannot drift from the code.
// Namespace import: `import { z }` keeps all of zod (its locales too) in every Lambda bundle.
import * as z from 'zod';
import { ROLES } from '../../domain/staff.ts';

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
export const RoleSchema = z.enum(ROLES);

/** Matches the Cognito pool's password policy (infra/stacks/api.ts): 12+ characters, upper, lower, digit, symbol. */
export const Password = z
  .string()
  .min(12)
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

// --- contests --------------------------------------------------------------------------
// Bounds live in the domain (LIMITS); the schemas only check shapes and types, the domain
// checks the rules (including cross-field ones) and reports them with the same envelope.
const IsoDateTime = z.iso.datetime({ offset: true });
export const ShowAnswersSchema = z.enum(['after_submit', 'after_close', 'never']);
const PredictionInput = z.strictObject({ prompt: text(0, 300) }).nullable();

/** Who issues the award certificates (domain ContestIssuer; lengths: LIMITS.issuerText). */
export const ContestIssuer = z.strictObject({
  body: text(0, 150),
  parentBody: text(0, 150).optional(),
  place: text(0, 150).optional(),
  signerTitle: text(0, 150),
  signerName: text(0, 150),
});

// --- rounds (contract v2, docs/rounds.md) ---
/** Bounds (1-52, inside the contest, in order, no overlap) are the domain's (domain/rounds.ts). */
export const RoundInputSchema = z.strictObject({ name: text(0, 120), startsAt: IsoDateTime, endsAt: IsoDateTime });
export const RoundStatusSchema = z.enum(['upcoming', 'open', 'ended', 'final']);
export const RoundView = z
  .object({ id: z.string(), no: z.int(), name: z.string(), startsAt: z.string(), endsAt: z.string(), status: RoundStatusSchema })
  .meta({ id: 'Round' });
/** `round`: a round id (`r1`...); without it, the open round, else the latest that has started. */
const RoundId = z.string().max(8).regex(/^r[0-9]+$/);
export const RoundQuery = z.object({ round: RoundId.optional() });
export const RoundParams = z.object({ contestId: Id, roundId: RoundId });

export const CreateContestBody = z.strictObject({
  title: text(0, 200),
  description: z.string().max(5_000).optional(),
  rules: z.string().max(20_000).optional(),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  questionsPerAttempt: z.int(),
  timeLimitSec: z.int(),
  maxAttempts: z.int(),
  unitIds: z.array(Id).max(100),
  villages: z.array(text(0, 80)).max(200).optional(),
  prediction: PredictionInput.optional(),
  showAnswers: ShowAnswersSchema.optional(),
  /** Days after the close that phone numbers are kept (domain LIMITS.retentionDays; default 365); editable in every status. */
  retentionDays: z.int().optional(),
  /** Draw from the shared library by topic: counts add up to questionsPerAttempt (contract v2); null: the contest's own bank. */
  draw: z.array(z.strictObject({ topic: z.string().max(200), count: z.int() })).max(100).nullable().optional(),
  /** The award certificates' issuer; editable in every status (null removes it). */
  issuer: ContestIssuer.nullable().optional(),
  /** 1 to 52 rounds; null or [] (draft only): one implicit round equal to the window. */
  rounds: z.array(RoundInputSchema).max(60).nullable().optional(),
});
export const PatchContestBody = CreateContestBody.partial().refine((b) => Object.keys(b).length > 0, {
  message: 'Give at least one field',
});

export const ContestStatusSchema = z.enum(['draft', 'published', 'closed']);
export const ContestPhaseSchema = z.enum(['draft', 'scheduled', 'open', 'ended', 'closed']);

/** What staff and participants both see of a contest. */
const ContestShape = {
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    rules: z.string().optional(),
    startsAt: z.string(),
    endsAt: z.string(),
    questionsPerAttempt: z.int(),
    timeLimitSec: z.int(),
    maxAttempts: z.int(),
    villages: z.array(z.string()),
    prediction: z.object({ prompt: z.string() }).nullable(),
    showAnswers: ShowAnswersSchema,
    phase: ContestPhaseSchema,
    /** Always at least one: a contest without rounds has one implicit round equal to its window. */
    rounds: z.array(RoundView),
    /** Whether the rounds were set (false: the one implicit round). */
    hasRounds: z.boolean(),
};

export const AdminContest = z
  .object({
    ...ContestShape,
    unitIds: z.array(z.string()),
    /** `closing` while its close job runs (contract v2), then `closed`. */
    status: z.enum(['draft', 'published', 'closing', 'closed']),
    questionCount: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().optional(),
    closedAt: z.string().optional(),
    retentionDays: z.int().optional(),
    /** closedAt + retentionDays: when the phone numbers of a closed contest are removed. */
    personalDataDueAt: z.string().optional(),
    /** Set once the retention purge has removed the phone numbers. */
    purgedAt: z.string().optional(),
    /** Topic quotas drawn from the question library; absent or null: the contest's own bank. */
    draw: z.array(z.object({ topic: z.string(), count: z.int() })).nullable().optional(),
    issuer: ContestIssuer.nullable().optional(),
  })
  .meta({ id: 'AdminContest' });
export const AdminContestList = z.object({ items: z.array(AdminContest) });

export const PublicContest = z
  .object({
    ...ContestShape,
    status: z.enum(['published', 'closed']),
    units: z.array(z.object({ id: z.string(), name: z.string() })),
    participants: z.int(),
    serverNow: z.string(),
    /** When the contest was closed (set once closed, possibly before endsAt). */
    closedAt: z.string().optional(),
    /** The open round's id, or null. */
    currentRound: z.string().nullable(),
    /** When the next round opens, or null. */
    nextRoundStartsAt: z.string().nullable(),
    startProofBits: z
      .int()
      .min(0)
      .max(24)
      .describe('Leading zero bits of sha256("contestId:phone:ts:nonce") that POST .../attempts needs in X-Start-Proof: <ts>:<nonce>; 0 = no proof'),
  })
  .meta({ id: 'PublicContest' });
export const PublicContestList = z.object({ items: z.array(PublicContest) });

// --- questions -------------------------------------------------------------------------
export const QuestionBody = z.strictObject({
  text: z.string().max(1_000),
  options: z.array(z.string().max(500)).min(2).max(6),
  correct: z.array(z.int().min(0).max(5)).min(1).max(6),
  topic: z.string().max(100).optional(),
  explanation: z.string().max(2_000).optional(),
});
export const AdminQuestion = z
  .object({
    id: z.string(),
    text: z.string(),
    options: z.array(z.string()),
    correct: z.array(z.int()),
    multiple: z.boolean(),
    topic: z.string().optional(),
    explanation: z.string().optional(),
  })
  .meta({ id: 'AdminQuestion' });
export const AdminQuestionList = z.object({ items: z.array(AdminQuestion) });
export const ImportResult = z.object({ imported: z.int(), total: z.int() });
/** A dry run of the import: the questions as they would be stored (no ids yet) and the bank size after. */
export const ImportPreview = z.object({
  /** `row`: the spreadsheet row it came from, as Excel numbers it (header = 1). */
  questions: z.array(AdminQuestion.omit({ id: true }).extend({ row: z.int().min(2) })),
  total: z.int(),
});
export const ImportQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() });
export const TemplateQuery = z.object({ format: z.enum(['csv', 'xlsx']).optional() });
export const QuestionParams = z.object({ contestId: Id, questionId: Id });

// --- the shared question library (contract v2) -----------------------------------------------
export const LibraryQuestionBody = QuestionBody.extend({ topic: z.string().max(100) });
export const LibraryQuestion = AdminQuestion.extend({
  topic: z.string(),
  /** Contests whose published bank holds a copy of this question. */
  usedBy: z.array(z.string()),
  updatedAt: z.string(),
}).meta({ id: 'LibraryQuestion' });
export const LibraryQuery = z.object({
  topic: z.string().max(200).optional(),
  /** Words of the question text, diacritics optional ("mot cua" finds "một cửa"). */
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  /** The `next` of the previous page. */
  cursor: Id.optional(),
});
export const LibraryList = z.object({ items: z.array(LibraryQuestion), next: z.string().optional() });
export const LibraryTopics = z.object({ items: z.array(z.object({ topic: z.string(), questions: z.int() })) });
export const LibraryParams = z.object({ questionId: Id });

// --- attempts --------------------------------------------------------------------------
export const StartAttemptBody = z.strictObject({
  fullName: z.string().max(200),
  phone: z.string().max(40),
  unitId: z.string().max(64),
  village: z.string().max(200).nullable().optional(),
  birthYear: z.int().nullable().optional(),
  consent: z.boolean(),
  /** Continue as the phone's existing registration after 409 PHONE_NAME_MISMATCH (docs/identity.md). */
  confirmSharedPhone: z.boolean().optional(),
});
const AnswersMap = z.record(z.string().max(64), z.array(z.string().max(8)).max(6));
export const SaveAnswersBody = z.strictObject({ answers: AnswersMap });
export const SubmitBody = z.strictObject({
  answers: AnswersMap.optional(),
  prediction: z.int().min(0).max(1_000_000_000).nullable().optional(),
});
export const AttemptParams = z.object({ attemptId: Id });

const PublicQuestionSchema = z.object({
  id: z.string(),
  text: z.string(),
  multiple: z.boolean(),
  options: z.array(z.object({ id: z.string(), text: z.string() })),
});
const ReviewItem = z.object({
  questionId: z.string(),
  isCorrect: z.boolean(),
  chosen: z.array(z.string()),
  correctOptionIds: z.array(z.string()),
  explanation: z.string().optional(),
});
export const SubmitResult = z
  .object({
    attemptId: z.string(),
    correctCount: z.int(),
    questionCount: z.int(),
    durationMs: z.int(),
    submittedAt: z.string(),
    late: z.boolean(),
    best: z.object({ correctCount: z.int(), durationMs: z.int() }),
    review: z.array(ReviewItem).optional(),
    /** The attempt's round; its name only in a contest with rounds. */
    roundId: z.string().optional(),
    roundName: z.string().optional(),
    /** The person's live rank in that round (best attempt), null when not counted. */
    rank: z.int().nullable().optional(),
    /** Attempts the person has left in that round. */
    attemptsLeft: z.int().optional(),
  })
  .meta({ id: 'SubmitResult' });
const AttemptBase = {
  attemptId: z.string(),
  contestId: z.string(),
  /** The round the attempt belongs to; attemptNo and attemptsLeft count in it. */
  roundId: z.string().optional(),
  attemptNo: z.int(),
  /** The name the attempt counts under (the phone's registration). */
  fullName: z.string(),
  attemptsLeft: z.int(),
  startedAt: z.string(),
  deadline: z.string(),
  serverNow: z.string(),
  questions: z.array(PublicQuestionSchema),
  prediction: z.object({ prompt: z.string() }).optional(),
};
export const StartedAttempt = z.object({ ...AttemptBase, attemptToken: z.string() }).meta({ id: 'StartedAttempt' });
export const AttemptState = z
  .object({
    ...AttemptBase,
    status: z.enum(['open', 'expired', 'submitted']),
    savedAnswers: z.record(z.string(), z.array(z.string())),
    result: SubmitResult.optional(),
  })
  .meta({ id: 'AttemptState' });
export const SavedAck = z.object({ savedAt: z.string() });

// --- standings -------------------------------------------------------------------------
export const LeaderboardQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).optional(), round: RoundId.optional() });
export const Leaderboard = z.object({
  final: z.boolean(),
  roundId: z.string().optional(),
  items: z.array(
    z.object({
      rank: z.int(),
      fullName: z.string(),
      phoneMasked: z.string(),
      unitId: z.string(),
      unitName: z.string(),
      village: z.string().nullable(),
      correctCount: z.int(),
      durationMs: z.int(),
    }),
  ),
});
const UnitStandingRow = z.object({
  rank: z.int(),
  unitId: z.string(),
  name: z.string(),
  memberCount: z.int(),
  participants: z.int(),
  participationRate: z.number(),
  averageCorrect: z.number(),
});
export const UnitLeaderboard = z.object({ roundId: z.string().optional(), items: z.array(UnitStandingRow) });
/** Contract v2: JSON in pages; the CSV and .xlsx files come from exports (POST .../exports). */
export const ResultsQuery = z.object({
  format: z.enum(['json']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  /** The `next` of the previous page. */
  cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/).optional(),
  round: RoundId.optional(),
});
export const Results = z.object({
  final: z.boolean(),
  roundId: z.string().optional(),
  participants: z.int(),
  /** Present when more rows remain: pass it as `cursor`. */
  next: z.string().optional(),
  items: z.array(
    z.object({
      rank: z.int(),
      fullName: z.string(),
      phone: z.string(),
      unitId: z.string(),
      unitName: z.string(),
      village: z.string().nullable(),
      correctCount: z.int(),
      prediction: z.number().nullable(),
      predictionError: z.number().nullable(),
      durationMs: z.int(),
      submittedAt: z.string(),
      attempts: z.int(),
    }),
  ),
});
export const Stats = z.object({
  /** Set when `?round=` narrowed the statistics to that round. */
  roundId: z.string().optional(),
  byRound: z.array(
    z.object({ roundId: z.string(), no: z.int(), name: z.string(), status: RoundStatusSchema, participants: z.int(), attempts: z.int() }),
  ),
  participants: z.int(),
  attempts: z.int(),
  byUnit: z.array(
    z.object({
      unitId: z.string(),
      name: z.string(),
      memberCount: z.int(),
      participants: z.int(),
      participationRate: z.number(),
      averageCorrect: z.number(),
    }),
  ),
  byVillage: z.array(z.object({ village: z.string(), participants: z.int() })),
  byDay: z.array(z.object({ date: z.string(), participants: z.int(), attempts: z.int() })),
  scoreHistogram: z.array(z.object({ correctCount: z.int(), people: z.int() })),
});

// --- personal data (issue 7): audit log, export and erasure on request ---------------------
/** Any way of typing a Vietnamese mobile number; normalised by the use case (400 when it is not one). */
export const PersonParams = z.object({ phone: z.string().min(1).max(40) });

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  /** Cursor: the `next` of the previous page, or an ISO instant (entries strictly before it). */
  before: z
    .string()
    .max(80)
    .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z(#[A-Za-z0-9_-]+)?$/, 'an ISO instant (UTC, ending in Z) or a cursor from `next`')
    .optional(),
});
export const AuditEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ userId: z.string(), email: z.string() }),
    action: z.enum(['results.export', 'person.export', 'person.erase', 'retention.purge']),
    contestId: z.string().optional(),
    /** The person concerned, masked: the log must not become a copy of the data it guards. */
    subject: z.string().optional(),
    format: z.string().optional(),
    details: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  })
  .meta({ id: 'AuditEntry' });
export const AuditList = z.object({ items: z.array(AuditEntry), next: z.string().optional() });

const ExportedAttempt = z.object({
  id: z.string(),
  attemptNo: z.int(),
  status: z.enum(['open', 'submitted']),
  startedAt: z.string(),
  deadline: z.string(),
  registration: z.object({
    fullName: z.string(),
    phone: z.string(),
    unitId: z.string(),
    village: z.string().nullable(),
    birthYear: z.int().nullable(),
  }),
  questionIds: z.array(z.string()),
  answers: z.record(z.string(), z.object({ optionIds: z.array(z.string()), savedAt: z.string() })),
  prediction: z.number().nullable().optional(),
  outcome: z
    .object({ correctCount: z.int(), questionCount: z.int(), durationMs: z.int(), submittedAt: z.string(), late: z.boolean() })
    .optional(),
});
export const PersonExport = z.object({
  phone: z.string(),
  exportedAt: z.string(),
  contests: z.array(
    z.object({
      contestId: z.string(),
      title: z.string(),
      status: ContestStatusSchema,
      person: z.object({
        fullName: z.string(),
        birthYear: z.int().nullable().optional(),
        unitId: z.string().optional(),
        village: z.string().nullable().optional(),
        attemptsUsed: z.int(),
        scoredAttempts: z.int(),
        best: z
          .object({ attemptId: z.string(), correctCount: z.int(), durationMs: z.int(), submittedAt: z.string(), prediction: z.number().nullable() })
          .optional(),
      }).optional(),
      attempts: z.array(ExportedAttempt),
      /** The person's row of the final ranking, once the contest is closed. */
      finalRank: z.object({ rank: z.int(), correctCount: z.int(), prediction: z.number().nullable(), predictionError: z.number().nullable(), durationMs: z.int() }).optional(),
    }),
  ),
});
export const ErasureResult = z.object({
  phone: z.string(),
  erasedAt: z.string(),
  contests: z.array(
    z.object({
      contestId: z.string(),
      attemptsDeleted: z.int(),
      /** Was counted in the statistics (had a scored attempt) and has been subtracted from them. */
      wasParticipant: z.boolean(),
      /** A re-rank job was started (or was already running) to rewrite the final ranking without them. */
      finalRankingRewritten: z.boolean(),
    }),
  ),
  /** The re-rank jobs (`GET /api/admin/jobs/{jobId}`); until each ends, readers hide the erased rows. */
  jobs: z.array(z.string()).optional(),
});

// ---- background jobs (contract v2) ----

export const JobParams = z.object({ jobId: Id });
export const ExportBody = z.strictObject({
  format: z.enum(['xlsx', 'csv', 'json']),
  /** A round id: that round's final ranking or award list (404 when the contest has no such round). */
  round: RoundId.optional(),
  kind: z.enum(['results', 'awards']).optional(),
  /** Awards: how many individual prizes (the top N of the ranking); 10 when absent. */
  topN: z.int().min(1).max(1000).optional(),
});
export const Job = z
  .object({
    id: z.string(),
    kind: z.string(),
    contestId: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    progress: z.object({ done: z.int(), total: z.int() }),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    /** An export: `{url, expiresAt, bytes, rows}` (a link signed for 15 minutes, signed afresh on every read); a close: `{participants}`. */
    result: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Job' });
export const JobResponse = z.object({ job: Job });
