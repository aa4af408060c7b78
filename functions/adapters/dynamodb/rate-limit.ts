// Rate-limit counters: one small item per (scope, window), `PK=RATE#<scope>`, `SK=W#<window>`,
// removed by the table's TTL on `expiresAt`. Each counted request is one UpdateItem (one write
// unit: the item stays far under 1 KB); a refused one is the same UpdateItem failing its condition.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimitStore } from '../../app/rate-limits.ts';
import { ddb, tableName } from './client.ts';
import { keys } from './keys.ts';
import { isConditionFailure } from './query.ts';

export const rateLimitStore: RateLimitStore = {
  async take(scope, window, limit, expiresAt) {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.rateLimit(scope, window),
          // Counted and checked in one conditional write: parallel requests cannot overshoot.
          UpdateExpression: 'ADD hits :one SET expiresAt = :exp, entity = :entity',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeValues: { ':one': 1, ':exp': expiresAt, ':limit': limit, ':entity': 'rateLimit' },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
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
