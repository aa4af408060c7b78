import { resultsCsv, resultsXlsx } from '../adapters/export/results.ts';
import { file, httpApi, json } from '../adapters/http/api.ts';
import { auditCases, contestCases, standingsCases } from './composition.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const handler = httpApi({
  'GET /api/admin/contests/{contestId}/results': async ({ params, query, staff }) => {
    const results = await standingsCases.results(params.contestId, query.round);
    const format = query.format ?? 'json';
    // Names and phone numbers leave here: audited first, and no audit entry means no response.
    await auditCases.record(staff, { action: 'results.export', contestId: params.contestId, format, details: { rows: results.items.length } });
    if (format === 'json') return json(200, results);
    const contest = await contestCases.load(params.contestId);
    const name = `ket-qua-${contest.id}${query.round ? `-${query.round}` : ''}`;
    return format === 'csv'
      ? file(resultsCsv(results.items), 'text/csv; charset=utf-8', `${name}.csv`)
      : file(await resultsXlsx(results.items, contest.title), XLSX, `${name}.xlsx`);
  },
  'GET /api/admin/contests/{contestId}/stats': async ({ params, query }) => json(200, await standingsCases.stats(params.contestId, query.round)),
});
