// Participant messages of contests with rounds (docs/rounds.md): a pack loaded with the result
// screen, outside the first-load budget. Keys shared with rounds-en.ts.
export const roundsVi = {
  'round.rank': 'Xếp hạng trong {round}',
  'round.attemptsLeft': 'Lượt còn lại trong {round}',
} as const;

export type RoundKey = keyof typeof roundsVi;
