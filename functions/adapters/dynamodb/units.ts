import { NotFound } from '../../domain/errors.ts';
import type { Unit, UnitRepository } from '../../app/ports.ts';
import { ddb, GetCommand, PutCommand, tableName, UpdateCommand } from './client.ts';
import { keys } from './keys.ts';
import { isConditionFailure, queryAll } from './query.ts';

type UnitItem = Unit & { PK: string; SK: string; entity: 'unit' };

const toUnit = ({ id, name, kind, memberCount }: UnitItem): Unit => ({ id, name, kind, memberCount });

export const unitRepository: UnitRepository = {
  async list() {
    const { PK, SKPrefix } = keys.unitsPartition();
    return (await queryAll<UnitItem>(PK, SKPrefix)).map(toUnit);
  },
  async get(unitId) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.unit(unitId) }));
    return out.Item ? toUnit(out.Item as UnitItem) : undefined;
  },
  async create(unit) {
    await ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.unit(unit.id), entity: 'unit', ...unit },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  },
  async update(unitId, patch) {
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined);
    try {
      const out = await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.unit(unitId),
          ConditionExpression: 'attribute_exists(PK)',
          UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(fields.map(([k], i) => [`#f${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([, v], i) => [`:v${i}`, v])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toUnit(out.Attributes as UnitItem);
    } catch (e) {
      if (isConditionFailure(e)) throw new NotFound('Unit', unitId);
      throw e;
    }
  },
};
