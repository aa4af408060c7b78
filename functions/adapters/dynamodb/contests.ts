// Contests and their question banks. Flow: use case -> this repository -> DynamoDB.
import type { ContestRecord, ContestRepository } from '../../app/contest-ports.ts';
import { InvalidState, NotFound } from '../../domain/errors.ts';
import type { Question } from '../../domain/question.ts';
import { ddb, GetCommand, PutCommand, QueryCommand, tableName, TransactWriteCommand } from './client.ts';
import { keys } from './keys.ts';
import { isConditionFailure, queryAll } from './query.ts';
import { cancellationReasons } from './batches.ts';

type Item<T> = T & { PK: string; SK: string; entity: string };
const strip = <T>({ PK: _pk, SK: _sk, entity: _e, ...rest }: Item<T>) => rest as unknown as T;

/** The transaction item that keeps a bank from changing once its contest is published. */
const draftCheck = (contestId: string) => ({
  ConditionCheck: {
    TableName: tableName,
    Key: keys.contest(contestId),
    ConditionExpression: '#status = :draft',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':draft': 'draft' },
  },
});

/** DynamoDB caps a transaction at 100 items; one is the draft check. */
const QUESTIONS_PER_TRANSACTION = 99;

export const contestRepository: ContestRepository = {
  async list() {
    const { PK, SKPrefix } = keys.contestsPartition();
    return (await queryAll<Item<ContestRecord>>(PK, SKPrefix)).map(strip<ContestRecord>);
  },
  async get(contestId, consistent = false) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.contest(contestId), ConsistentRead: consistent }));
    return out.Item ? strip<ContestRecord>(out.Item as Item<ContestRecord>) : undefined;
  },
  async create(contest) {
    await ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.contest(contest.id), entity: 'contest', ...contest },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  },
  async replace(contest) {
    try {
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.contest(contest.id), entity: 'contest', ...contest },
          ConditionExpression: 'version = :previous',
          ExpressionAttributeValues: { ':previous': contest.version - 1 },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  },
  async questions(contestId) {
    const { PK, SKPrefix } = keys.questionsOf(contestId);
    return (await queryAll<Item<Question>>(PK, SKPrefix)).map(strip<Question>);
  },
  async countQuestions(contestId) {
    const { PK, SKPrefix } = keys.questionsOf(contestId);
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': PK, ':sk': SKPrefix },
          Select: 'COUNT',
          ExclusiveStartKey,
        }),
      );
      count += out.Count ?? 0;
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  },
  async addQuestions(contestId, questions) {
    // Each chunk is atomic with the draft check, so nothing lands in a bank once it is published.
    for (let i = 0; i < questions.length; i += QUESTIONS_PER_TRANSACTION) {
      const chunk = questions.slice(i, i + QUESTIONS_PER_TRANSACTION);
      try {
        await ddb.send(
          new TransactWriteCommand({
            TransactItems: [
              draftCheck(contestId),
              ...chunk.map((q) => ({
                Put: { TableName: tableName, Item: { ...keys.question(contestId, q.id), entity: 'question', ...q } },
              })),
            ],
          }),
        );
      } catch (e) {
        if (isConditionFailure(e)) throw new InvalidState('Questions can only change while the contest is a draft');
        throw e;
      }
    }
  },
  async deleteQuestion(contestId, questionId) {
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            draftCheck(contestId),
            {
              Delete: {
                TableName: tableName,
                Key: keys.question(contestId, questionId),
                ConditionExpression: 'attribute_exists(PK)',
              },
            },
          ],
        }),
      );
    } catch (e) {
      if (cancellationReasons(e)[1]?.Code === 'ConditionalCheckFailed') throw new NotFound('Question', questionId);
      if (isConditionFailure(e)) throw new InvalidState('Questions can only change while the contest is a draft');
      throw e;
    }
  },
};
