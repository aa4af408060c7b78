// Locally, what CloudFront does on AWS for the contest page: an HTML request for /contests/{id}
// goes to the share function (handlers/share.ts), which renders the contest's link-preview meta.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaEvent, sendLambdaResult } from './gateway.ts';
import { SECURITY_HEADERS } from './static.ts';

type ShareHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export const isSharePage = (method: string | undefined, path: string) => (method === 'GET' || method === 'HEAD') && /^\/contests\/[^/.]+\/?$/.test(path);

export function createSharePage(loadHandler: () => Promise<ShareHandler>) {
  let handler: Promise<ShareHandler> | undefined;
  return async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // The edge sets this from the viewer's Host on AWS; here the server is the edge.
    req.headers['x-share-origin'] = `http://${req.headers.host ?? 'localhost'}`;
    const share = await (handler ??= loadHandler());
    const result = await share(lambdaEvent(req, url, Buffer.alloc(0), '$default', {}));
    sendLambdaResult(req, res, { ...result, headers: { ...result.headers, ...SECURITY_HEADERS } });
  };
}
