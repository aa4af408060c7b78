import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { optionalEnv, requireEnv } from '../config.ts';

// One document client per execution environment, created at cold start.
// DYNAMODB_ENDPOINT is set only in local mode (DynamoDB Local).
const endpoint = optionalEnv('DYNAMODB_ENDPOINT');

export const tableName = requireEnv('TABLE_NAME');

export const ddb = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 4,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
    }),
  }),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
);
