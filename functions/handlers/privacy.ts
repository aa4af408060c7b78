// Personal data: the audit log, a person's export and erasure (HTTP routes), and the retention purge
// (EventBridge's daily scheduled event on AWS; the local server sends the same event at start and hourly).
import type { APIGatewayProxyEventV2, Context, ScheduledEvent } from 'aws-lambda';
import { serviceErrorFields } from '../adapters/aws/settings.ts';
import { httpApi, json, logger } from '../adapters/http/api.ts';
import { nothingStored } from '../app/privacy.ts';
import { purgeDue } from '../app/purge-job.ts';
import { auditCases, privacyCases } from './composition.ts';
import { jobCases } from './composition-jobs.ts';

const http = httpApi({
  'GET /api/admin/audit': async ({ query }) => json(200, await auditCases.list(query.limit ?? 50, query.before)),
  'GET /api/admin/people/{phone}': async ({ params, staff }) => {
    const exported = await privacyCases.exportPerson(params.phone);
    // Audited before anything leaves, also when nothing is stored: the lookup itself is the access.
    await auditCases.record(staff, { action: 'person.export', phone: exported.phone, details: { contests: exported.contests.length } });
    if (exported.contests.length === 0) throw nothingStored(exported.phone);
    return json(200, exported);
  },
  'DELETE /api/admin/people/{phone}': async ({ params, staff }) => {
    const erased = await privacyCases.erasePerson(params.phone);
    await auditCases.record(staff, {
      action: 'person.erase',
      phone: erased.phone,
      details: { contests: erased.contests.length, attempts: erased.contests.reduce((n, c) => n + c.attemptsDeleted, 0) },
    });
    return json(200, erased);
  },
});

export const isScheduledEvent = (event: unknown): event is ScheduledEvent =>
  typeof event === 'object' && event !== null && (event as ScheduledEvent)['detail-type'] === 'Scheduled Event';

/**
 * "Now" of a scheduled run is the event's `time`: the instant EventBridge scheduled it (only
 * EventBridge and the local server may invoke this function). Tests pass a later time to run the
 * purge as of a day when the retention has passed.
 */
async function scheduled(event: ScheduledEvent, context: Context) {
  const time = Date.parse(event.time);
  const at = Number.isFinite(time) ? new Date(time) : new Date();
  try {
    // Two minutes kept for the checkpoint of the step in flight; the job runner finishes the rest.
    const result = await purgeDue({ privacy: privacyCases, jobs: jobCases, shouldYield: () => context.getRemainingTimeInMillis() < 120_000 }, at);
    if (result.contests.length > 0) logger.info('Retention purge', { ...result });
    return result;
  } catch (error) {
    // Thrown on: Lambda retries twice, then the event goes to the retention dead-letter queue.
    logger.error('Retention purge failed', { error: error as Error, ...serviceErrorFields(error) });
    throw error;
  }
}

export async function handler(event: APIGatewayProxyEventV2 | ScheduledEvent, context: Context) {
  return isScheduledEvent(event) ? scheduled(event, context) : http(event, context);
}
