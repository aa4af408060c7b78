import { httpApi, json } from '../adapters/http/api.ts';
import { attemptCases, standingsCases, unitCases } from './composition.ts';

// Public reads may be cached for a few seconds by CloudFront and browsers: a burst of people
// opening the same contest page then costs one origin request per few seconds.
const cached = (seconds: number) => ({ 'Cache-Control': `public, max-age=${seconds}` });

export const handler = httpApi({
  'GET /api/units': async () => json(200, { items: await unitCases.list() }, cached(30)),
  'GET /api/contests': async () => json(200, { items: await standingsCases.publicList() }, cached(5)),
  'GET /api/contests/{contestId}': async ({ params }) =>
    json(200, await standingsCases.publicView(await attemptCases.publicContest(params.contestId)), cached(5)),
  'GET /api/contests/{contestId}/leaderboard': async ({ params, query }) =>
    json(200, await standingsCases.leaderboard(params.contestId, query.limit ?? 10, query.round), cached(5)),
  'GET /api/contests/{contestId}/units': async ({ params, query }) =>
    json(200, await standingsCases.unitLeaderboard(params.contestId, query.round), cached(5)),
});
