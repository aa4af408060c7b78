// The DynamoDB document client of every function: the commands our adapters use (named and shaped
// as @aws-sdk/lib-dynamodb's, whose types they borrow), plain JavaScript values marshalled with
// @aws-sdk/util-dynamodb, sent by the small JSON client in ../aws/json-client.ts. One client per
// execution environment, created at cold start. DYNAMODB_ENDPOINT is set only in local mode.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type * as Doc from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsServiceError, awsJson } from '../aws/json-client.ts';
import { optionalEnv, requireEnv } from '../config.ts';

const endpoint = optionalEnv('DYNAMODB_ENDPOINT');

export const tableName = requireEnv('TABLE_NAME');

abstract class Command<I, O> {
  declare readonly output: O;
  abstract readonly operation: string;
  constructor(readonly input: I) {}
}
/** A command class for one DynamoDB operation, with lib-dynamodb's input and output types. */
const command = <I, O>(operation: string) =>
  class extends Command<I, O> {
    readonly operation = operation;
  };
export const GetCommand = command<Doc.GetCommandInput, Doc.GetCommandOutput>('GetItem');
export const PutCommand = command<Doc.PutCommandInput, Doc.PutCommandOutput>('PutItem');
export const UpdateCommand = command<Doc.UpdateCommandInput, Doc.UpdateCommandOutput>('UpdateItem');
export const DeleteCommand = command<Doc.DeleteCommandInput, Doc.DeleteCommandOutput>('DeleteItem');
export const QueryCommand = command<Doc.QueryCommandInput, Doc.QueryCommandOutput>('Query');
export const BatchGetCommand = command<Doc.BatchGetCommandInput, Doc.BatchGetCommandOutput>('BatchGetItem');
export const BatchWriteCommand = command<Doc.BatchWriteCommandInput, Doc.BatchWriteCommandOutput>('BatchWriteItem');
export const TransactWriteCommand = command<Doc.TransactWriteCommandInput, Doc.TransactWriteCommandOutput>('TransactWriteItems');
export type QueryCommandInput = Doc.QueryCommandInput;
export type TransactWriteCommandInput = Doc.TransactWriteCommandInput;

type Json = Record<string, unknown>;
type Values = Record<string, unknown>;

// The document client's marshalling options: undefined attributes are left out, class instances refused.
const toWire = (v: Values | undefined) => (v === undefined ? undefined : marshall(v, { removeUndefinedValues: true, convertClassInstanceToMap: false }));
const fromWire = (v: unknown) => (v === undefined ? undefined : unmarshall(v as Record<string, AttributeValue>));
const mapValues = <T, U>(o: Record<string, T> | undefined, f: (v: T) => U) => (o === undefined ? undefined : Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])));

/** Marshals the values of one item-level request (Key, Item, ExpressionAttributeValues). */
function wireItem(req: Json): Json {
  return {
    ...req,
    ...(req.Key !== undefined ? { Key: toWire(req.Key as Values) } : {}),
    ...(req.Item !== undefined ? { Item: toWire(req.Item as Values) } : {}),
    ...(req.ExpressionAttributeValues !== undefined ? { ExpressionAttributeValues: toWire(req.ExpressionAttributeValues as Values) } : {}),
    ...(req.ExclusiveStartKey !== undefined ? { ExclusiveStartKey: toWire(req.ExclusiveStartKey as Values) } : {}),
  };
}

function wireInput(operation: string, input: Json): Json {
  switch (operation) {
    case 'BatchWriteItem':
      return {
        ...input,
        RequestItems: mapValues(input.RequestItems as Record<string, Json[]>, (requests) =>
          requests.map((r) => (r.PutRequest ? { PutRequest: wireItem(r.PutRequest as Json) } : { DeleteRequest: wireItem(r.DeleteRequest as Json) })),
        ),
      };
    case 'BatchGetItem':
      return {
        ...input,
        RequestItems: mapValues(input.RequestItems as Record<string, Json>, (r) => ({ ...r, Keys: (r.Keys as Values[]).map((k) => toWire(k)) })),
      };
    case 'TransactWriteItems':
      return {
        ...input,
        TransactItems: (input.TransactItems as Record<string, Json>[]).map((t) => mapValues(t, (req) => wireItem(req))),
      };
    default:
      return wireItem(input);
  }
}

function docOutput(operation: string, out: Json): Json {
  const doc: Json = { ...out };
  if (out.Item !== undefined) doc.Item = fromWire(out.Item);
  if (out.Attributes !== undefined) doc.Attributes = fromWire(out.Attributes);
  if (out.Items !== undefined) doc.Items = (out.Items as unknown[]).map(fromWire);
  if (out.LastEvaluatedKey !== undefined) doc.LastEvaluatedKey = fromWire(out.LastEvaluatedKey);
  if (operation === 'BatchGetItem') {
    doc.Responses = mapValues(out.Responses as Record<string, unknown[]> | undefined, (items) => items.map(fromWire));
    doc.UnprocessedKeys = mapValues(out.UnprocessedKeys as Record<string, Json> | undefined, (r) => ({ ...r, Keys: (r.Keys as unknown[]).map(fromWire) }));
  }
  if (operation === 'BatchWriteItem') {
    doc.UnprocessedItems = mapValues(out.UnprocessedItems as Record<string, Json[]> | undefined, (requests) =>
      requests.map((r) =>
        r.PutRequest
          ? { PutRequest: { Item: fromWire((r.PutRequest as Json).Item) } }
          : { DeleteRequest: { Key: fromWire((r.DeleteRequest as Json).Key) } },
      ),
    );
  }
  return doc;
}

/**
 * Runs around every call with the operation and its wire-level input (marshalled): local mode's
 * commit barrier and the benchmark's capacity accounting hook in here.
 */
export type Interceptor = (operation: string, input: Json, next: (input: Json) => Promise<Json>) => Promise<Json>;

class DocumentClient {
  readonly #interceptors: Interceptor[] = [];

  use(interceptor: Interceptor): void {
    this.#interceptors.push(interceptor);
  }

  async send<I, O>(command: Command<I, O>): Promise<O> {
    const { operation } = command;
    const call = (input: Json) =>
      awsJson<Json>({ service: 'dynamodb', target: `DynamoDB_20120810.${operation}`, jsonVersion: '1.0', body: input, ...(endpoint ? { endpoint } : {}) }).catch((e) => {
        // As the SDK does: what the error answer carries (CancellationReasons, the Item a failed
        // condition returned) on the error itself.
        if (e instanceof AwsServiceError) Object.assign(e, { CancellationReasons: e.body.CancellationReasons, Item: e.body.Item });
        throw e;
      });
    const chain = this.#interceptors.reduceRight<(input: Json) => Promise<Json>>((next, i) => (input) => i(operation, input, next), call);
    const out = await chain(wireInput(operation, command.input as Json));
    return docOutput(operation, out) as O;
  }
}

export const ddb = new DocumentClient();

// DynamoDB Local answers TransactWriteItems before its SQLite COMMIT has run (the commit is queued
// on the database thread, not awaited), so a kill -9 right after could lose a write that got a
// 2xx. The database thread runs its jobs in order, so a read that waits for its own job returns
// only after that commit: in local mode every transaction is followed by one before it counts.
if (endpoint) {
  ddb.use(async (operation, input, next) => {
    const out = await next(input);
    if (operation === 'TransactWriteItems') await ddb.send(new GetCommand({ TableName: tableName, Key: { PK: '#', SK: 'commit-barrier' }, ConsistentRead: true }));
    return out;
  });
}
