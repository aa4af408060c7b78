// Shapes of the API as the participant app reads them, derived from the zod schemas the server
// validates with and documents GET /api/openapi.json from (functions/adapters/http/routes.ts and
// contract.ts). Type-only imports: nothing of zod or the server reaches the bundle, and a change to
// the contract that the app does not follow fails the type check (test/unit/web/contract.test.ts).
import type * as z from 'zod';
import type * as c from '../../../../functions/adapters/http/contract.ts';
import type { BodyOf, ResponseOf } from '../../../../functions/adapters/http/routes.ts';

export type { BodyOf, ResponseOf };

export type ContestStatus = z.output<typeof c.ContestStatusSchema>;
export type ContestPhase = z.output<typeof c.ContestPhaseSchema>;
export type ShowAnswers = z.output<typeof c.ShowAnswersSchema>;

export type Unit = z.output<typeof c.Unit>;
export type PublicContest = ResponseOf<'GET /api/contests/{contestId}'>;
export type UnitRef = PublicContest['units'][number];

export type AttemptStart = ResponseOf<'POST /api/contests/{contestId}/attempts'>;
/** GET /api/attempts/{id}: the start payload again (no token), with what the server has saved. */
export type AttemptResume = ResponseOf<'GET /api/attempts/{attemptId}'>;
export type AttemptQuestion = AttemptStart['questions'][number];
export type AttemptOption = AttemptQuestion['options'][number];
export type SubmitResult = ResponseOf<'POST /api/attempts/{attemptId}/submit'>;
export type ReviewItem = NonNullable<SubmitResult['review']>[number];

/** Question id -> chosen option ids, as autosave and submit carry them. */
export type Answers = BodyOf<'PUT /api/attempts/{attemptId}/answers'>['answers'];
export type RegistrationBody = BodyOf<'POST /api/contests/{contestId}/attempts'>;
export type SubmitBody = BodyOf<'POST /api/attempts/{attemptId}/submit'>;

export type Leaderboard = ResponseOf<'GET /api/contests/{contestId}/leaderboard'>;
export type LeaderboardEntry = Leaderboard['items'][number];
export type UnitStanding = ResponseOf<'GET /api/contests/{contestId}/units'>['items'][number];

/** details of 409 PHONE_NAME_MISMATCH: the phone's registration, by its initials (docs/identity.md). */
export interface SharedPhone {
  maskedName: string;
  attemptsLeft: number;
}
