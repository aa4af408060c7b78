// Field bounds shared by the contest, question and registration rules. A leaf module: the rules
// import it, it imports nothing, so the domain has no import cycle.

/** Input bounds. Text lengths count UTF-16 units after trimming (what `string.length` and zod measure). */
export const LIMITS = {
  /** Questions drawn per attempt; 200 is already well over an hour of reading on a phone. */
  questionsPerAttempt: { min: 1, max: 200 },
  /** Seconds per attempt: 30 s to 4 h. */
  timeLimitSec: { min: 30, max: 14_400 },
  maxAttempts: { min: 1, max: 100 },
  /** Options per question: the import file has columns A..F. */
  options: { min: 2, max: 6 },
  title: { min: 3, max: 200 },
  description: { max: 5_000 },
  /** The thể lệ (rules) are often a pasted official document. */
  rules: { max: 20_000 },
  questionText: { max: 1_000 },
  optionText: { max: 500 },
  topic: { max: 100 },
  explanation: { max: 2_000 },
  predictionPrompt: { min: 3, max: 300 },
  unitIds: { min: 1, max: 100 },
  villages: { max: 200 },
  villageName: { min: 1, max: 80 },
  /**
   * Distinct villages people may type in a contest without a village list. A province has a few
   * hundred villages per district and a contest's villages feed its counters: 500 names of at most
   * 80 characters (≤ 240 bytes in UTF-8) weigh at most ~121 KB, in the registry item and in the
   * village counters together (even if every name hashed to one counter item), far under DynamoDB's
   * 400 KB item limit. Past it, a new name is refused with a 400 on the field; known ones still work.
   */
  typedVillages: { max: 500 },
  unitName: { min: 2, max: 120 },
  memberCount: { min: 0, max: 1_000_000 },
  birthYear: { min: 1900 },
  /** Topics a contest draws from the library (`draw`), each with its count. */
  drawTopics: { min: 1, max: 50 },
  /** Questions in the shared library: a commune's is hundreds to a few thousand; a publish copies a contest's topics whole. */
  libraryQuestions: { max: 10_000 },
  /** The issuing body of award certificates (Decree 30/2020: body, superior body, place, signer). */
  issuerText: { min: 1, max: 150 },
  /** Days phone numbers are kept after the close: 1 day to 10 years. */
  retentionDays: { min: 1, max: 3_650 },
} as const;
