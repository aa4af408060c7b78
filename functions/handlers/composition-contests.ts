// The contest use cases wired to their adapters, on their own: the imports function needs only
// these, and importing the whole composition root would bundle every other use case with it.
import { contestRepository } from '../adapters/dynamodb/contests.ts';
import { libraryRepository } from '../adapters/dynamodb/library.ts';
import { unitRepository } from '../adapters/dynamodb/units.ts';
import { newId } from '../adapters/ids.ts';
import { contestUseCases } from '../app/contests.ts';
import { libraryUseCases } from '../app/library.ts';

export const now = () => new Date();

export const contestCases = contestUseCases({ contests: contestRepository, units: unitRepository, newId, now, library: libraryRepository });
export const libraryCases = libraryUseCases({ library: libraryRepository, newId, now });
