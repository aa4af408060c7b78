// GET /contests/{contestId}: the app's page with the contest's link-preview meta (Open Graph,
// Twitter), for Zalo's and Facebook's crawlers, which run no JavaScript. People get the same page
// and the app takes over. On AWS CloudFront sends these HTML requests here; locally the server does.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../adapters/http/api.ts';
import { loadIndexHtml } from '../adapters/web/index-html.ts';
import { contestShareMeta, renderSharePage, type ShareContest } from '../adapters/web/share-page.ts';
import { NotFound } from '../domain/errors.ts';
import { attemptCases } from './composition.ts';

/** Previews and people get a page at most a minute old: a publish or a title change shows soon. */
const CACHE = 'public, max-age=60';
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;

/** The public origin: set from the viewer's Host by the edge (a CloudFront distribution only answers its own names). */
function originOf(event: APIGatewayProxyEventV2): string {
  const given = event.headers?.['x-share-origin'];
  return given && ORIGIN.test(given) ? given : `https://${event.requestContext.domainName}`;
}

async function contestFor(id: string | undefined): Promise<ShareContest | undefined> {
  if (!id) return undefined;
  try {
    return await attemptCases.publicContest(id);
  } catch (error) {
    // Unknown and draft contests get the generic page; so does an outage, logged: a preview never shows an error.
    if (!(error instanceof NotFound)) logger.error('share page: contest read failed', { error: error as Error, contestId: id });
    return undefined;
  }
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const id = /^\/contests\/([^/]+)\/?$/.exec(event.rawPath)?.[1];
  let contestId: string | undefined;
  try {
    contestId = id === undefined ? undefined : decodeURIComponent(id);
  } catch {
    contestId = undefined;
  }
  const unit = event.queryStringParameters?.unit;
  const [html, contest] = await Promise.all([loadIndexHtml(), contestFor(contestId)]);
  const meta = contestShareMeta(contest, originOf(event), contest && unit && unit.length <= 100 ? unit : undefined);
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': CACHE },
    body: renderSharePage(html, meta),
  };
}
