// Rate-limit counters: one small item per (scope, window), `PK=RATE#<scope>`, `SK=W#<window>`,
// removed by the table's TTL on `expiresAt`. Attempt starts are written in batches (app/rate-limits.ts):
// one UpdateItem adds a batch and returns the new total (one write unit: the item stays far under
// 1 KB). Sign-in failures are read before a sign-in and added one by one.
import type { RateLimitStore } from '../../app/rate-limits.ts';
import { ddb, GetCommand, tableName, UpdateCommand } from './client.ts';
import { keys } from './keys.ts';

export const rateLimitStore: RateLimitStore = {
  async addAndGet(scope, window, n, expiresAt) {
    const out = await ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.rateLimit(scope, window),
        // Unconditional: the limiter decides from the total returned, which counts every environment's writes.
        UpdateExpression: 'ADD hits :n SET expiresAt = :exp, entity = :entity',
        ExpressionAttributeValues: { ':n': n, ':exp': expiresAt, ':entity': 'rateLimit' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const hits = out.Attributes?.hits;
    if (typeof hits !== 'number') throw new Error(`rate-limit counter ${scope}/${window} returned no total`);
    return hits;
  },

  async count(scope, window) {
    const out = await ddb.send(
      new GetCommand({ TableName: tableName, Key: keys.rateLimit(scope, window), ProjectionExpression: 'hits' }),
    );
    return typeof out.Item?.hits === 'number' ? out.Item.hits : 0;
  },

  async add(scope, window, expiresAt) {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.rateLimit(scope, window),
        UpdateExpression: 'ADD hits :one SET expiresAt = :exp, entity = :entity',
        ExpressionAttributeValues: { ':one': 1, ':exp': expiresAt, ':entity': 'rateLimit' },
      }),
    );
  },
};
