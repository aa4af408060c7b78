import type { StaffUser, UserRepository } from '../../app/ports.ts';
import { ddb, PutCommand, tableName } from './client.ts';
import { keys } from './keys.ts';
import { queryAll } from './query.ts';

type UserItem = StaffUser & { PK: string; SK: string; entity: 'user' };

export const userRepository: UserRepository = {
  async list() {
    const { PK, SKPrefix } = keys.usersPartition();
    return (await queryAll<UserItem>(PK, SKPrefix)).map(({ PK: _pk, SK: _sk, entity: _e, ...user }) => user);
  },
  async save(user) {
    await ddb.send(new PutCommand({ TableName: tableName, Item: { ...keys.user(user.id), entity: 'user', ...user } }));
  },
};
