// The counters as a projection of the item changes the stream delivers (app/aggregates.ts): folding
// counterChange over every write a submit, an erasure or a retention purge makes gives exactly the
// counters the former per-submit transactions added (aggregateDelta), and what remains after an erasure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterChange, type ItemChange } from '../../../functions/app/aggregates.ts';
import { addAggregates, aggregateDelta, emptyAggregate, type ContestAggregate, type PersonStanding } from '../../../functions/domain/aggregate.ts';

interface Scored {
  person: number;
  correct: number;
  unitId: string;
  village: string | null;
  at: number;
}

type Image = Record<string, unknown>;

/** The former path: one aggregateDelta per scored attempt, added in the submit's transaction. */
function transactional(attempts: Scored[], skip?: number): ContestAggregate {
  let total = emptyAggregate();
  const people = new Map<number, PersonStanding>();
  for (const a of attempts) {
    if (a.person === skip) continue;
    const before = people.get(a.person) ?? null;
    const after = { unitId: a.unitId, village: a.village, bestCorrect: Math.max(before?.bestCorrect ?? -1, a.correct) };
    total = addAggregates(total, aggregateDelta(before, after, a.at));
    people.set(a.person, after);
  }
  return total;
}

/** The item writes the attempt use case makes for the same history, as stream records. */
function itemWrites(attempts: Scored[]) {
  const changes: ItemChange[] = [];
  const people = new Map<number, Image>();
  const stored = new Map<string, Image>();
  let seq = 0;
  const write = (key: string, next: Image | undefined) => {
    const old = stored.get(key);
    seq++;
    changes.push({ eventID: `e${seq}`, sequenceNumber: String(seq), ...(old ? { oldImage: old } : {}), ...(next ? { newImage: next } : {}) });
    if (next) stored.set(key, next);
    else stored.delete(key);
  };
  attempts.forEach((a, i) => {
    const submittedAt = new Date(a.at).toISOString();
    const open = { entity: 'attempt', contestId: 'c', id: `a${i}`, status: 'open', person: a.person };
    write(`a${i}`, open);
    write(`a${i}`, { ...open, ans: { q1: 'A' } }); // an autosave
    write(`a${i}`, { ...open, status: 'submitted', outcome: { submittedAt } });
    const before = people.get(a.person);
    const best = before && (before.best as { correctCount: number }).correctCount >= a.correct ? before.best : { correctCount: a.correct };
    const person = { entity: 'person', contestId: 'c', ...before, unitId: a.unitId, village: a.village, best, firstScoredAt: before?.firstScoredAt ?? submittedAt };
    people.set(a.person, person);
    write(`p${a.person}`, person);
  });
  return { changes, stored, write };
}

function fold(changes: ItemChange[]): ContestAggregate {
  let total = emptyAggregate();
  for (const c of changes) {
    const d = counterChange(c);
    if (d) total = addAggregates(total, d.delta);
  }
  return total;
}

const scored = fc.record({
  person: fc.integer({ min: 0, max: 4 }),
  correct: fc.integer({ min: 0, max: 10 }),
  unitId: fc.constantFrom('u1', 'u2', 'u3'),
  village: fc.constantFrom('Thôn 1', 'Thôn 2', null),
  // Several Vietnamese days, around midnight too.
  at: fc.integer({ min: Date.UTC(2024, 5, 1), max: Date.UTC(2024, 5, 5) }),
});
const history = fc.array(scored, { maxLength: 40 }).map((a) => a.sort((x, y) => x.at - y.at));

describe('counterChange folded over the stream', () => {
  it('equals the counters the per-submit transactions added (every counter, days included)', () => {
    fc.assert(
      fc.property(history, (attempts) => {
        expect(fold(itemWrites(attempts).changes)).toEqual(addAggregates(emptyAggregate(), transactional(attempts)));
      }),
      { numRuns: 300 },
    );
  });

  it('an erasure (plain deletes of the person and their attempts) leaves exactly everyone else', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 0, max: 4 }), (attempts, erased) => {
        const { changes, stored, write } = itemWrites(attempts);
        for (const [key, image] of [...stored]) if (image.person === erased || key === `p${erased}`) write(key, undefined);
        expect(fold(changes)).toEqual(addAggregates(emptyAggregate(), transactional(attempts, erased)));
      }),
      { numRuns: 300 },
    );
  });

  it('a retention purge (items marked purged, then deleted) keeps every counter', () => {
    fc.assert(
      fc.property(history, (attempts) => {
        const { changes, stored, write } = itemWrites(attempts);
        const before = fold(changes);
        for (const [key, image] of [...stored]) write(key, { ...image, purged: true });
        for (const key of [...stored.keys()]) write(key, undefined);
        expect(fold(changes)).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });

  it('ignores items that are neither people nor attempts, and writes that change no counter', () => {
    expect(counterChange({ eventID: 'x', sequenceNumber: '1', newImage: { entity: 'aggregate', contestId: 'c', participants: 3 } })).toBeNull();
    const open = { entity: 'attempt', contestId: 'c', status: 'open' };
    expect(counterChange({ eventID: 'y', sequenceNumber: '2', oldImage: open, newImage: { ...open, ans: {} } })).toBeNull();
    expect(counterChange({ eventID: 'z', sequenceNumber: '3', newImage: { entity: 'person', contestId: 'c', attemptsUsed: 1 } })).toBeNull();
  });
});
