// Contest and question editing, publishing and closing. Spreadsheet import and the template are in
// imports.ts: their parsers are most of a bundle, and only organizers preparing a bank need them.
import type { APIGatewayProxyEventV2, Context, ScheduledEvent } from 'aws-lambda';
import { serviceErrorFields } from '../adapters/aws/settings.ts';
import { httpApi, json, logger, noContent } from '../adapters/http/api.ts';
import { contestCases } from './composition.ts';
import { libraryCases } from './composition-contests.ts';
import { closeContest, closeDueRounds, closeRound, jobCases } from './composition-jobs.ts';

const isScheduledEvent = (event: unknown): event is ScheduledEvent =>
  typeof event === 'object' && event !== null && (event as ScheduledEvent)['detail-type'] === 'Scheduled Event';

const http = httpApi({
  'POST /api/admin/contests': async ({ body, staff }) => json(201, await contestCases.create(body, staff?.userId)),
  'GET /api/admin/contests': async () => json(200, { items: await contestCases.list() }),
  'GET /api/admin/contests/{contestId}': async ({ params }) => json(200, await contestCases.get(params.contestId)),
  'PATCH /api/admin/contests/{contestId}': async ({ params, body }) => json(200, await contestCases.update(params.contestId, body)),
  'POST /api/admin/contests/{contestId}/publish': async ({ params }) => json(200, await contestCases.publish(params.contestId)),
  'POST /api/admin/contests/{contestId}/close': async ({ params, staff }) => json(202, { job: await jobCases.view(await closeContest(params.contestId, staff.userId)) }),
  'POST /api/admin/contests/{contestId}/rounds/{roundId}/close': async ({ params, staff }) =>
    json(202, { job: await jobCases.view(await closeRound(params.contestId, params.roundId, staff.userId)) }),
  'POST /api/admin/contests/{contestId}/questions': async ({ params, body }) =>
    json(201, await contestCases.addQuestion(params.contestId, body)),
  'GET /api/admin/contests/{contestId}/questions': async ({ params }) =>
    json(200, { items: await contestCases.questions(params.contestId) }),
  'PUT /api/admin/contests/{contestId}/questions/{questionId}': async ({ params, body }) =>
    json(200, await contestCases.updateQuestion(params.contestId, params.questionId, body)),
  'DELETE /api/admin/contests/{contestId}/questions/{questionId}': async ({ params }) => {
    await contestCases.deleteQuestion(params.contestId, params.questionId);
    return noContent();
  },
  'GET /api/admin/library': async ({ query }) => json(200, await libraryCases.list(query)),
  'GET /api/admin/library/topics': async () => json(200, await libraryCases.topics()),
  'POST /api/admin/library': async ({ body }) => json(201, await libraryCases.add(body)),
  'PUT /api/admin/library/{questionId}': async ({ params, body }) => json(200, await libraryCases.update(params.questionId, body)),
  'DELETE /api/admin/library/{questionId}': async ({ params }) => {
    await libraryCases.delete(params.questionId);
    return noContent();
  },
});

/**
 * The round finalisation schedule (EventBridge every minute on AWS, the local scheduler locally):
 * every round whose window plus the grace has passed gets its final ranking, with no organizer action.
 */
async function scheduled() {
  try {
    const started = await closeDueRounds();
    if (started.length > 0) logger.info('Round close jobs started', { rounds: started });
    return { rounds: started };
  } catch (error) {
    // Thrown on: the run fails (the alarm on this function's errors fires); the next minute tries again.
    logger.error('Round finalisation failed', { error: error as Error, ...serviceErrorFields(error) });
    throw error;
  }
}

export async function handler(event: APIGatewayProxyEventV2 | ScheduledEvent, context: Context) {
  return isScheduledEvent(event) ? scheduled() : http(event, context);
}
