// The shared question library. Flow: use case -> this repository -> DynamoDB (one partition, see keys.ts).
// Each question carries `search` (domain searchField of its text), which `q`'s words are matched against.
import type { LibraryFilter, LibraryRepository } from '../../app/contest-ports.ts';
import { searchField, type LibraryQuestion } from '../../domain/library.ts';
import { ddb, GetCommand, QueryCommand, tableName, TransactWriteCommand, UpdateCommand } from './client.ts';
import { keys } from './keys.ts';
import { isConditionFailure, queryAll } from './query.ts';

type Stored = LibraryQuestion & { PK: string; SK: string; entity: string; search: string };

function fromItem(item: Record<string, unknown>): LibraryQuestion {
  const { PK: _pk, SK: _sk, entity: _e, search: _s, usedBy, ...rest } = item as unknown as Omit<Stored, 'usedBy'> & { usedBy?: Set<string> | string[] };
  return { ...(rest as unknown as LibraryQuestion), usedBy: usedBy ? [...usedBy].sort() : [] };
}

/** The stored item; `usedBy` is a string set, absent while empty (DynamoDB has no empty sets). */
function toItem(q: LibraryQuestion): Record<string, unknown> {
  const { usedBy, ...rest } = q;
  return {
    ...keys.libraryQuestion(q.id),
    entity: 'libraryQuestion',
    ...rest,
    search: searchField(q.text),
    ...(usedBy.length ? { usedBy: new Set(usedBy) } : {}),
  };
}

const topicCount = (topic: string, delta: number) => ({
  Update: {
    TableName: tableName,
    Key: keys.libraryTopic(topic),
    UpdateExpression: 'ADD questions :n SET topic = :t, entity = :e',
    ExpressionAttributeValues: { ':n': delta, ':t': topic, ':e': 'libraryTopic' },
  },
});

/** DynamoDB caps a transaction at 100 items: the questions of a chunk plus one counter per topic in it. */
const TRANSACTION_ITEMS = 100;

function chunks(questions: LibraryQuestion[]): LibraryQuestion[][] {
  const out: LibraryQuestion[][] = [];
  let chunk: LibraryQuestion[] = [];
  let topics = new Set<string>();
  for (const q of questions) {
    const extra = topics.has(q.topic) ? 1 : 2;
    if (chunk.length + topics.size + extra > TRANSACTION_ITEMS) {
      out.push(chunk);
      chunk = [];
      topics = new Set();
    }
    chunk.push(q);
    topics.add(q.topic);
  }
  if (chunk.length) out.push(chunk);
  return out;
}

/** Items a filtered page reads per Query call: a filter is applied after the read, so ask for more than the page. */
const READ_PAGE = 200;

function filterExpression(filter: LibraryFilter) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.topic !== undefined) {
    parts.push('#topic = :topic');
    names['#topic'] = 'topic';
    values[':topic'] = filter.topic;
  }
  filter.words.forEach((w, i) => {
    parts.push(`contains(#search, :w${i})`);
    names['#search'] = 'search';
    // The stored field puts a space before every word (domain/library.ts searchField).
    values[`:w${i}`] = ` ${w}`;
  });
  return parts.length ? { FilterExpression: parts.join(' AND '), ExpressionAttributeNames: names, values } : { values };
}

export const libraryRepository: LibraryRepository = {
  async get(questionId) {
    const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.libraryQuestion(questionId), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  },

  async list(filter) {
    const { PK, SKPrefix } = keys.libraryQuestions();
    const { values, ...filterPart } = filterExpression(filter);
    const items: LibraryQuestion[] = [];
    let start: Record<string, unknown> | undefined = filter.cursor ? keys.libraryQuestion(filter.cursor) : undefined;
    for (;;) {
      const out = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': PK, ':sk': SKPrefix, ...values },
          ...filterPart,
          Limit: Math.max(READ_PAGE, filter.limit),
          ExclusiveStartKey: start,
        }),
      );
      const page = out.Items ?? [];
      for (let i = 0; i < page.length; i++) {
        items.push(fromItem(page[i]!));
        if (items.length === filter.limit) {
          const more = i < page.length - 1 || out.LastEvaluatedKey !== undefined;
          return more ? { items, next: items[items.length - 1]!.id } : { items };
        }
      }
      if (!out.LastEvaluatedKey) return { items };
      start = out.LastEvaluatedKey;
    }
  },

  async topics() {
    const { PK, SKPrefix } = keys.libraryTopics();
    const rows = await queryAll<{ topic: string; questions: number }>(PK, SKPrefix, { ConsistentRead: true });
    return rows
      .filter((r) => r.questions > 0)
      .map((r) => ({ topic: r.topic, questions: r.questions }))
      .sort((a, b) => a.topic.localeCompare(b.topic, 'vi'));
  },

  async ofTopics(topics) {
    if (topics.length === 0) return [];
    const { PK, SKPrefix } = keys.libraryQuestions();
    const names = Object.fromEntries(topics.map((t, i) => [`:t${i}`, t]));
    const items = await queryAll<Record<string, unknown>>(PK, SKPrefix, {
      ConsistentRead: true,
      FilterExpression: `#topic IN (${Object.keys(names).join(', ')})`,
      ExpressionAttributeNames: { '#topic': 'topic' },
      ExpressionAttributeValues: { ':pk': PK, ':sk': SKPrefix, ...names },
    });
    return items.map(fromItem);
  },

  async add(questions) {
    for (const chunk of chunks(questions)) {
      const perTopic = new Map<string, number>();
      for (const q of chunk) perTopic.set(q.topic, (perTopic.get(q.topic) ?? 0) + 1);
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            ...chunk.map((q) => ({ Put: { TableName: tableName, Item: toItem(q), ConditionExpression: 'attribute_not_exists(PK)' } })),
            ...[...perTopic].map(([topic, n]) => topicCount(topic, n)),
          ],
        }),
      );
    }
  },

  async replace(previous, next) {
    const hasExplanation = next.explanation !== undefined;
    const update = {
      Update: {
        TableName: tableName,
        Key: keys.libraryQuestion(previous.id),
        // usedBy is left alone: a publish may record a contest on it at any moment.
        UpdateExpression: `SET #text = :text, options = :options, correct = :correct, topic = :topic, #search = :search, updatedAt = :at${
          hasExplanation ? ', explanation = :explanation' : ''
        }${hasExplanation ? '' : ' REMOVE explanation'}`,
        ConditionExpression: 'updatedAt = :previousAt',
        ExpressionAttributeNames: { '#text': 'text', '#search': 'search' },
        ExpressionAttributeValues: {
          ':text': next.text,
          ':options': next.options,
          ':correct': next.correct,
          ':topic': next.topic,
          ':search': searchField(next.text),
          ':at': next.updatedAt,
          ':previousAt': previous.updatedAt,
          ...(hasExplanation ? { ':explanation': next.explanation } : {}),
        },
      },
    };
    const counters = previous.topic === next.topic ? [] : [topicCount(previous.topic, -1), topicCount(next.topic, 1)];
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: [update, ...counters] }));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  },

  async delete(question) {
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: tableName, Key: keys.libraryQuestion(question.id), ConditionExpression: 'attribute_exists(PK)' } },
            topicCount(question.topic, -1),
          ],
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  },

  async markUsed(contestId, questionIds) {
    const pending = [...questionIds];
    // A few in flight: a publish of a large library should not take one round trip per question.
    await Promise.all(
      Array.from({ length: Math.min(8, pending.length) }, async () => {
        for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
          try {
            await ddb.send(
              new UpdateCommand({
                TableName: tableName,
                Key: keys.libraryQuestion(id),
                UpdateExpression: 'ADD usedBy :c',
                ConditionExpression: 'attribute_exists(PK)',
                ExpressionAttributeValues: { ':c': new Set([contestId]) },
              }),
            );
          } catch (e) {
            // Deleted from the library since the snapshot: the contest keeps its copy, nothing to record.
            if (!isConditionFailure(e)) throw e;
          }
        }
      }),
    );
  },
};
