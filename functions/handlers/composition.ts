// Composition root of the contest engine: the use cases wired to their DynamoDB adapters.
import { randomInt } from 'node:crypto';
import { attemptStore } from '../adapters/dynamodb/attempts.ts';
import { auditLog } from '../adapters/dynamodb/audit.ts';
import { personDataStore } from '../adapters/dynamodb/privacy.ts';
import { contestRepository } from '../adapters/dynamodb/contests.ts';
import { standingsStore } from '../adapters/dynamodb/standings.ts';
import { unitRepository } from '../adapters/dynamodb/units.ts';
import { newId } from '../adapters/ids.ts';
import { attemptUseCases } from '../app/attempts.ts';
import { unitUseCases } from '../app/units.ts';
import { auditUseCases, privacyUseCases } from '../app/privacy.ts';
import { standingsUseCases } from '../app/standings.ts';
import { roundUseCases } from '../app/rounds.ts';
import { startProofBits } from './abuse.ts';
import { contestCases, now } from './composition-contests.ts';

export { contestCases };

/** Draws must not be predictable from a phone: a CSPRNG, not Math.random. */
const rng = () => randomInt(2 ** 47) / 2 ** 47;

export const unitCases = unitUseCases({ units: unitRepository, newId });
export const attemptCases = attemptUseCases({ contests: contestRepository, attempts: attemptStore, newId, now, rng });
export const roundCases = roundUseCases({ contests: contestRepository, attempts: attemptCases, contestCases, now });
export const standingsCases = standingsUseCases({
  contests: contestRepository,
  units: unitRepository,
  standings: standingsStore,
  attempts: attemptCases,
  contestCases,
  now,
  startProofBits,
});

/** Staff access to personal data, and a person's export, erasure and retention (app/privacy.ts). */
export const auditCases = auditUseCases({ audit: auditLog, newId, now });
export const privacyCases = privacyUseCases({
  contests: contestRepository,
  attempts: attemptStore,
  standings: standingsStore,
  people: personDataStore,
  audit: auditCases,
  now,
});
