import { httpApi, json } from '../adapters/http/api.ts';
import { EXPORT_KIND } from '../adapters/export/job.ts';
import { NotFound } from '../domain/errors.ts';
import { findRound } from '../domain/rounds.ts';
import { auditCases, contestCases, standingsCases } from './composition.ts';
import { jobCases } from './composition-jobs.ts';

export const handler = httpApi({
  'GET /api/admin/contests/{contestId}/results': async ({ params, query, staff }) => {
    const results = await standingsCases.resultsPage(params.contestId, query.limit ?? 500, query.cursor, query.round);
    // Names and phone numbers leave here: audited first, and no audit entry means no response.
    await auditCases.record(staff, { action: 'results.export', contestId: params.contestId, format: 'json', details: { rows: results.items.length } });
    return json(200, results);
  },
  'POST /api/admin/contests/{contestId}/exports': async ({ params, body, staff }) => {
    const contest = await contestCases.load(params.contestId); // 404 for an unknown contest, before any job
    if (body.round !== undefined && !findRound(contest, body.round)) throw new NotFound('Round', body.round);
    const job = await jobCases.start(EXPORT_KIND, params.contestId, staff.userId, {
      format: body.format,
      kind: body.kind ?? 'results',
      ...(body.round !== undefined ? { round: body.round } : {}),
      ...(body.topN ? { topN: body.topN } : {}),
    });
    // The file holds names and phone numbers: audited when it is asked for, before it exists.
    await auditCases.record(staff, { action: 'results.export', contestId: params.contestId, format: body.format, details: { job: job.id, kind: body.kind ?? 'results' } });
    return json(202, { job: await jobCases.view(job) });
  },
  'GET /api/admin/jobs/{jobId}': async ({ params, staff }) => json(200, { job: await jobCases.get(params.jobId, staff) }),
  'GET /api/admin/contests/{contestId}/stats': async ({ params, query }) => json(200, await standingsCases.stats(params.contestId, query.round)),
});
