// Plain-data factories for the domain core: sensible defaults, override what the test is about.
import type { Contest } from '../../functions/domain/contest.ts';
import type { Rng } from '../../functions/domain/draw.ts';
import type { Question } from '../../functions/domain/question.ts';
import type { RankEntry } from '../../functions/domain/ranking.ts';
import { seededRng } from '../../functions/domain/random.ts';

export function makeContest(overrides: Partial<Contest> = {}): Contest {
  return {
    id: 'c1',
    status: 'published',
    title: 'Tìm hiểu cải cách hành chính 2024',
    description: 'Cuộc thi trực tuyến',
    rules: 'Mỗi người được thi tối đa 3 lượt.',
    startsAt: '2024-06-01T00:00:00.000Z',
    endsAt: '2024-06-30T17:00:00.000Z',
    questionsPerAttempt: 20,
    timeLimitSec: 900,
    maxAttempts: 3,
    unitIds: ['u-nong-dan', 'u-phu-nu'],
    villages: ['Thôn 1', 'Thôn 2'],
    prediction: { prompt: 'Bao nhiêu người sẽ tham gia?' },
    showAnswers: 'after_close',
    ...overrides,
  };
}

export function makeQuestion(overrides: Partial<Question> = {}): Question {
  return {
    id: 'q1',
    text: 'Bộ phận một cửa tiếp nhận hồ sơ ở đâu?',
    options: ['Tại UBND xã', 'Tại nhà văn hóa thôn', 'Qua bưu điện', 'Cả ba nơi'],
    correct: [0],
    ...overrides,
  };
}

export function makeEntry(overrides: Partial<RankEntry> = {}): RankEntry {
  return {
    personKey: '0912345678',
    correctCount: 15,
    durationMs: 300_000,
    submittedAt: '2024-06-10T03:00:00.000Z',
    prediction: null,
    ...overrides,
  };
}

export { seededRng };
