// The audit log of staff access to personal data. Flow: audit use case -> this log -> one item per
// entry under `PK=AUDIT#<yyyy>`, `SK=<iso time>#<id>`; newest-first pages walk back a year at a time.
import type { AuditEntry, AuditLog } from '../../app/privacy-ports.ts';
import { ddb, PutCommand, QueryCommand, tableName } from './client.ts';
import { keys } from './keys.ts';

/** No entry is older than the platform: the walk back through yearly partitions stops here. */
export const AUDIT_FIRST_YEAR = 2024;

/** Entries expire through the table's TTL after five years. */
export const AUDIT_RETENTION_DAYS = 5 * 365 + 1;

type Item = AuditEntry & { PK: string; SK: string; entity: string; expiresAt: number };
const toEntry = ({ PK: _pk, SK: _sk, entity: _e, expiresAt: _x, ...entry }: Item): AuditEntry => entry;

export const auditLog: AuditLog = {
  async append(entry) {
    await ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.audit(entry.at, entry.id),
          entity: 'audit',
          ...entry,
          expiresAt: Math.floor(Date.parse(entry.at) / 1000) + AUDIT_RETENTION_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  },

  async list(limit, before) {
    const items: AuditEntry[] = [];
    let lastSk: string | undefined;
    for (let year = Number(before.slice(0, 4)); year >= AUDIT_FIRST_YEAR && items.length < limit; year--) {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await ddb.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND SK < :before',
            ExpressionAttributeValues: { ':pk': keys.auditYear(year).PK, ':before': before },
            ScanIndexForward: false,
            Limit: limit - items.length,
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        for (const item of (out.Items ?? []) as Item[]) {
          items.push(toEntry(item));
          lastSk = item.SK;
        }
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey && items.length < limit);
    }
    return items.length === limit && lastSk ? { items, next: lastSk } : { items };
  },
};
