import type { RoundKey } from './rounds-vi.ts';

export const roundsEn: Record<RoundKey, string> = {
  'round.rank': 'Rank in {round}',
  'round.attemptsLeft': 'Attempts left in {round}',
};
