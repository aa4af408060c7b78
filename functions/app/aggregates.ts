// The aggregate counters as a projection of the stored items: every change to a person or an
// attempt item (from the table's stream) changes the counters by contribution(new) - contribution(old).
// Submits, the close, erasure and retention only write their items; the counters follow.
import {
  attemptContribution,
  emptyAggregate,
  isEmptyDelta,
  personContribution,
  subtractAggregates,
  type ContestAggregate,
  type CountedAttempt,
  type CountedPerson,
} from '../domain/aggregate.ts';

/** One item change, images unmarshalled. */
export interface ItemChange {
  eventID: string;
  sequenceNumber: string;
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

function contribution(image: Record<string, unknown> | undefined): ContestAggregate {
  if (image?.entity === 'person') return personContribution(image as CountedPerson);
  if (image?.entity === 'attempt') return attemptContribution(image as CountedAttempt);
  return emptyAggregate();
}

/**
 * The counters' change caused by one item change, or null when it changes none (autosaves, contest
 * edits, the counters' own items...). A delete of an item marked `purged` by retention changes
 * nothing: statistics outlive the personal data; any other delete (erasure) takes its share away.
 */
export function counterChange(change: ItemChange): { contestId: string; delta: ContestAggregate } | null {
  const { oldImage, newImage } = change;
  const contestId = (newImage ?? oldImage)?.contestId;
  if (typeof contestId !== 'string') return null;
  if (!newImage && oldImage?.purged === true) return null;
  const delta = subtractAggregates(contribution(newImage), contribution(oldImage));
  return isEmptyDelta(delta) ? null : { contestId, delta };
}
