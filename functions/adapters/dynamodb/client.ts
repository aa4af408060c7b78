// The DynamoDB document client of every function (@aws-sdk/lib-dynamodb over
// @aws-sdk/client-dynamodb), created once per execution environment at cold start. Retries and
// timeouts: ../aws/settings.ts. DYNAMODB_ENDPOINT is set only in local mode (DynamoDB Local): the
// same client, another endpoint.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { clientOptions } from '../aws/settings.ts';
import { optionalEnv, requireEnv } from '../config.ts';

export {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

const endpoint = optionalEnv('DYNAMODB_ENDPOINT');

export const tableName = requireEnv('TABLE_NAME');

const base = new DynamoDBClient(clientOptions(endpoint));

export const ddb = DynamoDBDocumentClient.from(base, {
  // Undefined attributes are left out; class instances are refused rather than stored half.
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

type Json = Record<string, unknown>;

/**
 * Runs around every call with the operation's name (`GetItem`, `TransactWriteItems`...) and its
 * document-level input (plain values); returns the output. Local mode's commit barrier and the
 * benchmark's capacity accounting hook in here.
 */
export type Interceptor = (operation: string, input: Json, next: (input: Json) => Promise<Json>) => Promise<Json>;

let interceptors = 0;

/** Adds `interceptor` around every later call of `ddb` (outermost first added). */
export function intercept(interceptor: Interceptor): void {
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? '').replace(/Command$/, '');
      let result: Awaited<ReturnType<typeof next>> | undefined;
      const output = await interceptor(operation, args.input as Json, async (input) => {
        result = await next({ ...args, input });
        return result.output as Json;
      });
      return { ...result!, output: output as never };
    },
    // Initialize: before lib-dynamodb marshals the input, after it unmarshals the output.
    { step: 'initialize', priority: 'high', name: `intercept${++interceptors}` },
  );
}

// DynamoDB Local answers TransactWriteItems before its SQLite COMMIT has run (the commit is queued
// on the database thread, not awaited), so a kill -9 right after could lose a write that got a
// 2xx. The database thread runs its jobs in order, so a read that waits for its own job returns
// only after that commit: in local mode every transaction is followed by one before it counts.
if (endpoint) {
  intercept(async (operation, input, next) => {
    const out = await next(input);
    if (operation === 'TransactWriteItems') await ddb.send(new GetCommand({ TableName: tableName, Key: { PK: '#', SK: 'commit-barrier' }, ConsistentRead: true }));
    return out;
  });
}
