import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/lib/api/client.ts';
import { AttemptSession, parsePrediction, SAVE_DELAY_MS, type SessionDeps } from '../../../web/src/lib/state/attempt-session.svelte.ts';
import { SAVE_BATCH_MS, saveTimes, typicalAttempt } from '../../../web/src/lib/state/save-cadence.ts';
import { KEYS, clearPersonData } from '../../../web/src/lib/state/storage.ts';
import { FakePort, ManualTime, MemoryStore, networkError, serverError, settle, startPayload, submitResult } from './fakes.ts';

// The phone's clock is a day behind the server in every test: nothing may depend on it.
const SERVER_START = Date.parse('2024-05-01T01:00:00.000Z');
const PHONE_START = SERVER_START - 86_400_000;

function setup(over: Partial<SessionDeps> = {}) {
  const time = new ManualTime(PHONE_START);
  const port = new FakePort();
  const storage = new MemoryStore();
  const deps: SessionDeps = { port, storage, clock: time.clock, timers: time, random: () => 0.5, saveDelayMs: 500, ...over };
  const session = AttemptSession.begin('c-1', startPayload(), { fullName: 'Y Bình', phone: '0912345678', unitId: 'u-1' }, deps, {
    contestTitle: 'Tìm hiểu CCHC',
  });
  return { time, port, storage, deps, session };
}

const stored = (storage: MemoryStore, id = 'att-1') => JSON.parse(storage.getItem(KEYS.attempt(id))!);

describe('AttemptSession: answering and device storage', () => {
  it('keeps the token and the start payload on the device, keyed by attempt id', () => {
    const { storage, session } = setup();
    const s = stored(storage);
    expect(s.token).toBe('tok-1');
    expect(s.contestId).toBe('c-1');
    expect(s.start.questions).toHaveLength(3);
    expect(s.start).not.toHaveProperty('attemptToken');
    expect(session.stepCount).toBe(5); // 3 questions, prediction, review
    expect(session.serverNow()).toBe(SERVER_START);
  });

  it('writes every change to storage at once, before any request', () => {
    const { storage, session, port } = setup();
    session.choose('q1', 'a');
    expect(stored(storage).answers).toEqual({ q1: ['a'] });
    expect(stored(storage).dirty).toEqual(['q1']);
    expect(port.saves).toHaveLength(0);
    expect(session.saveState).toBe('pending');
    expect(session.unsavedCount).toBe(1);
  });

  it('replaces a radio answer and toggles checkbox answers', () => {
    const { session } = setup();
    session.choose('q1', 'a');
    session.choose('q1', 'b');
    expect(session.answers.q1).toEqual(['b']);
    session.choose('q2', 'c');
    session.choose('q2', 'e');
    session.choose('q2', 'c');
    expect(session.answers.q2).toEqual(['e']);
    expect(session.isChosen('q2', 'e')).toBe(true);
    expect(session.answeredCount).toBe(2);
  });

  it('ignores options that are not part of the question', () => {
    const { session } = setup();
    session.choose('q1', 'zzz');
    session.choose('nope', 'a');
    expect(session.answers).toEqual({});
  });

  it('navigates through questions, prediction and review, clamped', () => {
    const { session, storage } = setup();
    expect(session.step.kind).toBe('question');
    session.prev();
    expect(session.index).toBe(0);
    session.goTo(3);
    expect(session.step.kind).toBe('prediction');
    session.next();
    expect(session.step.kind).toBe('review');
    session.next();
    expect(session.index).toBe(4);
    expect(stored(storage).index).toBe(4);
  });

  it('restores answers, unsaved set, step and prediction after a reload', () => {
    const { deps, session } = setup();
    session.choose('q1', 'a');
    session.setPrediction('120');
    session.goTo(2);
    session.destroy();
    const again = AttemptSession.restore('att-1', deps)!;
    expect(again.answers).toEqual({ q1: ['a'] });
    expect(again.unsavedCount).toBe(1);
    expect(again.prediction).toBe('120');
    expect(again.index).toBe(2);
    expect(again.contestTitle).toBe('Tìm hiểu CCHC');
    expect(again.person?.phone).toBe('0912345678');
  });

  it('has nothing to restore for an attempt started elsewhere', () => {
    const { deps } = setup();
    expect(AttemptSession.restore('other', deps)).toBeUndefined();
  });
});

describe('AttemptSession: background saving', () => {
  it('batches quick changes into one PUT after the delay', async () => {
    const { time, port, session, storage } = setup();
    session.choose('q1', 'a');
    await time.advance(200);
    session.choose('q2', 'c');
    session.choose('q2', 'd');
    await time.advance(400);
    expect(port.saves).toEqual([{ q1: ['a'], q2: ['c', 'd'] }]);
    expect(port.tokens).toEqual(['tok-1']);
    expect(session.saveState).toBe('saved');
    expect(session.unsavedCount).toBe(0);
    expect(stored(storage).dirty).toEqual([]);
  });

  // Issue 12: each save is a paid request; answers wait on the device up to a minute, then go together.
  it('by default answers wait on the device up to SAVE_BATCH_MS (a minute), then go in one PUT', async () => {
    const { time, port, session, storage } = setup({ saveDelayMs: undefined });
    expect(SAVE_DELAY_MS).toBe(SAVE_BATCH_MS);
    session.choose('q1', 'a');
    session.next();
    await time.advance(20_000);
    session.choose('q2', 'c');
    expect(stored(storage).answers).toEqual({ q1: ['a'], q2: ['c'] });
    await time.advance(SAVE_BATCH_MS - 20_001);
    expect(port.saves).toEqual([]);
    expect(session.saveState).toBe('pending');
    await time.advance(1);
    expect(port.saves).toEqual([{ q1: ['a'], q2: ['c'] }]);
    expect(session.saveState).toBe('saved');
  });

  it('sends what is unsaved at once when the review screen is reached, before the submit', async () => {
    const { time, port, session } = setup({ saveDelayMs: undefined });
    session.choose('q1', 'a');
    session.goTo(2);
    session.choose('q3', 'f');
    expect(port.saves).toEqual([]);
    session.goTo(session.stepCount - 1);
    expect(session.step.kind).toBe('review');
    await time.advance(0);
    expect(port.saves).toEqual([{ q1: ['a'], q3: ['f'] }]);
    // Nothing left: going back and forth to the review sends nothing more.
    session.goTo(0);
    session.goTo(session.stepCount - 1);
    await time.advance(SAVE_BATCH_MS);
    expect(port.saves).toHaveLength(1);
  });

  it('never lets a batch wait past the last 5 s of the attempt', async () => {
    // startPayload: a 10-minute attempt. 9.5 minutes in, an answer waits 25 s, not a minute.
    const { time, port, session } = setup({ saveDelayMs: undefined });
    await time.advance(570_000);
    session.choose('q1', 'a');
    await time.advance(24_999);
    expect(port.saves).toEqual([]);
    await time.advance(1);
    expect(port.saves).toEqual([{ q1: ['a'] }]);
  });

  it('makes the saves save-cadence.ts counts for a 6-minute attempt of 20 questions (the cost model of the bench), and the submit carries every answer', async () => {
    const questions = Array.from({ length: 20 }, (_, i) => ({ id: `q${i + 1}`, text: `Câu ${i + 1}`, multiple: false, options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }] }));
    const time = new ManualTime(PHONE_START);
    const port = new FakePort();
    const session = AttemptSession.begin('c-1', startPayload({ questions, prediction: undefined }), undefined, { port, storage: new MemoryStore(), clock: time.clock, timers: time, random: () => 0.5 });
    const script = typicalAttempt(20, 6 * 60_000);
    const sentAt: number[] = [];
    const save = port.save.bind(port);
    port.save = (...args) => {
      sentAt.push(time.now - PHONE_START);
      return save(...args);
    };
    let at = 0;
    for (const [i, change] of script.changesAtMs.entries()) {
      await time.advance(change - at);
      at = change;
      session.choose(`q${i + 1}`, i % 2 ? 'a' : 'b');
      if (i < questions.length - 1) session.next();
    }
    await time.advance(script.reviewAtMs! - at);
    session.next();
    expect(session.step.kind).toBe('review');
    await time.advance(0);
    await time.advance(script.submitAtMs - script.reviewAtMs!);
    await session.submit();
    expect(sentAt).toEqual(saveTimes(script));
    expect(sentAt.length).toBeLessThanOrEqual(5);
    expect(port.submits[0]!.answers).toEqual(Object.fromEntries(questions.map((q, i) => [q.id, [i % 2 ? 'a' : 'b']])));
  });

  it('retries network failures with growing, jittered delays and reports offline', async () => {
    const { time, port, session } = setup();
    port.saveScript = [networkError(), networkError(), { savedAt: 'x' }];
    session.choose('q1', 'a');
    await time.advance(500);
    expect(port.saves).toHaveLength(1);
    expect(session.offline).toBe(true);
    expect(session.saveState).toBe('retrying');
    // backoff 1 s (random 0.5 -> 750 ms), then 2 s (-> 1500 ms)
    await time.advance(749);
    expect(port.saves).toHaveLength(1);
    await time.advance(1);
    expect(port.saves).toHaveLength(2);
    await time.advance(1500);
    expect(port.saves).toHaveLength(3);
    expect(session.offline).toBe(false);
    expect(session.saveState).toBe('saved');
  });

  it('waits at least as long as Retry-After on 429', async () => {
    const { time, port, session } = setup();
    port.saveScript = [new ApiError(429, 'RATE_LIMITED', 'slow down', undefined, 10_000), { savedAt: 'x' }];
    session.choose('q1', 'a');
    await time.advance(500);
    await time.advance(9_999);
    expect(port.saves).toHaveLength(1);
    await time.advance(1);
    expect(port.saves).toHaveLength(2);
  });

  it('does not retry a 4xx refusal, and keeps the answer on the device', async () => {
    const { time, port, session, storage } = setup();
    port.saveScript = [new ApiError(400, 'VALIDATION_FAILED', 'bad')];
    session.choose('q1', 'a');
    await time.advance(60_000);
    expect(port.saves).toHaveLength(1);
    expect(session.saveState).toBe('failed');
    expect(stored(storage).answers).toEqual({ q1: ['a'] });
  });

  it('keeps an answer changed during the request dirty for the next batch', async () => {
    const { time, port, session } = setup();
    let release!: () => void;
    port.save = (_id, _t, answers) => {
      port.saves.push(structuredClone(answers));
      return new Promise((r) => (release = () => r({ savedAt: 'x' })));
    };
    session.choose('q1', 'a');
    await time.advance(500);
    session.choose('q1', 'b');
    release();
    await settle();
    expect(session.unsavedCount).toBe(1);
    port.save = (_id, _t, answers) => {
      port.saves.push(structuredClone(answers));
      return Promise.resolve({ savedAt: 'y' });
    };
    await time.advance(500);
    expect(port.saves).toEqual([{ q1: ['a'] }, { q1: ['b'] }]);
    expect(session.unsavedCount).toBe(0);
  });

  it('sends at once when the browser comes back online', async () => {
    const { time, port, session } = setup();
    port.saveScript = [networkError(), networkError(), networkError(), { savedAt: 'x' }];
    session.setOnline(false);
    session.choose('q1', 'a');
    await time.advance(500);
    await time.advance(750);
    await time.advance(1500);
    expect(port.saves).toHaveLength(3);
    expect(session.offline).toBe(true);
    session.setOnline(true);
    await time.advance(0);
    expect(port.saves).toHaveLength(4);
    expect(session.offline).toBe(false);
    expect(session.saveState).toBe('saved');
  });

  it('flush({keepalive}) sends pending answers immediately', async () => {
    const { port, session } = setup();
    session.choose('q3', 'g');
    await session.flush({ keepalive: true });
    expect(port.saves).toEqual([{ q3: ['g'] }]);
    expect(port.saveOpts[0]).toEqual({ keepalive: true });
  });

  it('ATTEMPT_CLOSED on save means time is up on the server: it submits to get the result', async () => {
    const { time, port, session } = setup();
    port.saveScript = [new ApiError(409, 'ATTEMPT_CLOSED', 'closed')];
    session.choose('q1', 'a');
    await time.advance(500);
    expect(port.submits).toHaveLength(1);
    expect(session.status).toBe('submitted');
  });
});

describe('AttemptSession: submit', () => {
  it('submits every answer and the prediction, then keeps the result', async () => {
    const { port, session, storage } = setup();
    session.choose('q1', 'a');
    session.choose('q2', 'd');
    session.setPrediction(' 250 ');
    await session.submit();
    expect(port.submits).toEqual([{ answers: { q1: ['a'], q2: ['d'] }, prediction: 250 }]);
    expect(session.status).toBe('submitted');
    expect(session.result?.correctCount).toBe(2);
    expect(stored(storage).result.correctCount).toBe(2);
    expect(stored(storage).done).toBe(true);
  });

  it('leaves out an empty or invalid prediction', async () => {
    const { port, session } = setup();
    session.setPrediction('abc');
    await session.submit();
    expect(port.submits[0]).toEqual({ answers: {} });
  });

  it('retries until the server answers, however long the network is down', async () => {
    const { time, port, session } = setup();
    port.submitScript = [networkError(), serverError(), networkError(), networkError(), networkError(), networkError(), submitResult({ correctCount: 3 })];
    session.choose('q1', 'a');
    const done = session.submit();
    expect(session.status).toBe('submitting');
    await time.advance(120_000);
    await done;
    expect(port.submits.length).toBe(7);
    expect(session.status).toBe('submitted');
    expect(session.result?.correctCount).toBe(3);
  });

  it('coming online cuts the wait short', async () => {
    const { time, port, session } = setup();
    port.submitScript = [networkError(), submitResult()];
    const done = session.submit();
    await settle();
    expect(port.submits).toHaveLength(1);
    session.setOnline(true);
    await done;
    expect(port.submits).toHaveLength(2);
    expect(time.pendingCount).toBe(0);
  });

  it('a second call while submitting does not send twice; answers are frozen', async () => {
    const { port, session } = setup();
    const a = session.submit();
    const b = session.submit();
    session.choose('q1', 'a');
    await Promise.all([a, b]);
    expect(port.submits).toHaveLength(1);
    expect(session.answers).toEqual({});
    await session.submit();
    expect(port.submits).toHaveLength(1);
  });

  it('stops the background save: the submit carries everything', async () => {
    const { time, port, session } = setup();
    session.choose('q1', 'a');
    await session.submit();
    await time.advance(10_000);
    expect(port.saves).toHaveLength(0);
  });

  it('ATTEMPT_CLOSED on submit ends as closed, not retried', async () => {
    const { time, port, session } = setup();
    port.submitScript = [new ApiError(409, 'ATTEMPT_CLOSED', 'closed')];
    await session.submit();
    await time.advance(60_000);
    expect(port.submits).toHaveLength(1);
    expect(session.status).toBe('closed');
    expect(session.errorCode).toBe('ATTEMPT_CLOSED');
  });

  it('resume() after a reload finishes an interrupted submit', async () => {
    const { deps, session, port } = setup();
    port.submitScript = [networkError()];
    session.choose('q1', 'b');
    void session.submit();
    await settle();
    session.destroy();
    port.submitScript = [submitResult({ correctCount: 1 })];
    const again = AttemptSession.restore('att-1', deps)!;
    await again.resume();
    expect(port.submits.at(-1)).toEqual({ answers: { q1: ['b'] } });
    expect(again.result?.correctCount).toBe(1);
  });

  it('findPendingSubmit: a submit the server never answered, found at app start until the deadline plus 30 s', async () => {
    const { storage, session, port, time } = setup();
    // Server time: the deadline is 10 minutes after the start (fakes.ts); the phone's clock is a day behind.
    const deadlinePhone = PHONE_START + 10 * 60_000;
    expect(AttemptSession.findPendingSubmit(storage, time.clock())).toBeUndefined(); // answering: not a submit
    port.submitScript = [networkError()];
    void session.submit();
    await settle();
    session.destroy(); // the browser closed offline
    expect(AttemptSession.findPendingSubmit(storage, time.clock())).toBe('att-1');
    expect(AttemptSession.findPendingSubmit(storage, deadlinePhone + 30_000)).toBe('att-1');
    // Past the grace the answers no longer count: nothing to open at start.
    expect(AttemptSession.findPendingSubmit(storage, deadlinePhone + 30_001)).toBeUndefined();
  });

  it('findPendingSubmit skips a submit the server answered or refused', async () => {
    const answered = setup();
    await answered.session.submit();
    expect(AttemptSession.findPendingSubmit(answered.storage, answered.time.clock())).toBeUndefined();
    const refused = setup();
    refused.port.submitScript = [new ApiError(409, 'ATTEMPT_CLOSED', 'closed')];
    await refused.session.submit();
    expect(stored(refused.storage).refused).toBe('ATTEMPT_CLOSED');
    expect(AttemptSession.findPendingSubmit(refused.storage, refused.time.clock())).toBeUndefined();
  });

  it('426 APP_OUTDATED on submit keeps the submit pending (the app reloads), never refused', async () => {
    const { time, port, session } = setup();
    port.submitScript = [new ApiError(426, 'APP_OUTDATED', 'old'), submitResult()];
    const done = session.submit();
    await settle();
    expect(session.status).toBe('submitting');
    await time.advance(60_000);
    await done;
    expect(session.status).toBe('submitted');
  });

  it('a restored submitted attempt shows its result without a request', () => {
    const { deps, session, port } = setup();
    return session.submit().then(() => {
      const again = AttemptSession.restore('att-1', deps)!;
      expect(again.status).toBe('submitted');
      expect(again.result?.correctCount).toBe(2);
      expect(again.attemptsLeft).toBe(2);
      expect(port.gets).toBe(0);
    });
  });
});

describe('AttemptSession: resuming against the server', () => {
  it('takes the server clock again and merges saved answers, local unsaved ones winning', async () => {
    const { deps, session, port, time } = setup();
    session.choose('q1', 'a');
    session.destroy();
    time.now += 5_000;
    port.getScript = [
      {
        ...startPayload(),
        serverNow: '2024-05-01T01:03:00.000Z',
        status: 'open',
        savedAnswers: { q1: ['b'], q3: ['f'] },
      },
    ];
    const again = AttemptSession.restore('att-1', deps)!;
    await again.resume();
    expect(again.serverNow()).toBe(Date.parse('2024-05-01T01:03:00.000Z'));
    expect(again.answers).toEqual({ q1: ['a'], q3: ['f'] });
    // the unsaved local answer is sent right away
    await settle();
    expect(port.saves).toEqual([{ q1: ['a'] }]);
  });

  it('offline on reload: keeps working from the device copy', async () => {
    const { deps, session, port } = setup();
    session.choose('q2', 'c');
    session.destroy();
    port.getScript = [networkError()];
    const again = AttemptSession.restore('att-1', deps)!;
    await again.resume();
    expect(again.offline).toBe(true);
    expect(again.answers).toEqual({ q2: ['c'] });
    expect(again.status).toBe('active');
  });

  it('an attempt already finished on the server (expired) fetches its result by submitting', async () => {
    const { deps, session, port } = setup();
    session.destroy();
    port.getScript = [{ ...startPayload(), status: 'expired', savedAnswers: { q1: ['a'] } }];
    port.submitScript = [submitResult({ late: true, correctCount: 1 })];
    const again = AttemptSession.restore('att-1', deps)!;
    await again.resume();
    expect(port.submits).toHaveLength(1);
    expect(again.result?.late).toBe(true);
  });

  it('an attempt the server has already scored takes its result without submitting again', async () => {
    const { deps, session, port } = setup();
    session.choose('q1', 'a');
    session.destroy();
    port.getScript = [{ ...startPayload(), status: 'submitted', savedAnswers: { q1: ['a'] }, result: submitResult({ correctCount: 1 }) }];
    const again = AttemptSession.restore('att-1', deps)!;
    await again.resume();
    expect(port.submits).toHaveLength(0);
    expect(port.saves).toHaveLength(0);
    expect(again.status).toBe('submitted');
    expect(again.result?.correctCount).toBe(1);
  });

  // Issue 16: a result page reopened after the close showed no answers, and the attempts left of the submit.
  it('a submitted attempt reopened reads the server again: the review and the attempts left as they are now', async () => {
    const { deps, session, port } = setup();
    await session.submit();
    expect(session.result).not.toHaveProperty('review');
    session.destroy();
    const review = [{ questionId: 'q1', isCorrect: true, chosen: ['a'], correctOptionIds: ['a'] }];
    port.getScript = [{ ...startPayload(), attemptsLeft: 0, status: 'submitted', savedAnswers: {}, result: submitResult({ review }) }];
    const again = AttemptSession.restore('att-1', deps)!;
    await again.resume();
    expect(port.gets).toBe(1);
    expect(port.submits).toHaveLength(1);
    expect(again.result?.review).toEqual(review);
    expect(again.attemptsLeft).toBe(0);
    // Kept on the device too.
    expect(AttemptSession.restore('att-1', deps)!.result?.review).toEqual(review);
  });

  it('a submitted attempt reopened offline keeps the result it has', async () => {
    const { deps, session, port } = setup();
    await session.submit();
    session.destroy();
    port.getScript = [networkError()];
    const again = AttemptSession.restore('att-1', deps)!;
    await again.resume();
    expect(again.status).toBe('submitted');
    expect(again.result?.correctCount).toBe(2);
  });

  it('an unknown token or attempt is reported as lost', async () => {
    const { deps, session, port } = setup();
    session.destroy();
    port.getScript = [new ApiError(401, 'UNAUTHORIZED', 'no')];
    const again = AttemptSession.restore('att-1', deps)!;
    await again.resume();
    expect(again.status).toBe('lost');
  });
});

describe('AttemptSession: shared phones', () => {
  it('finds the unfinished attempt of a contest, not a finished one', async () => {
    const { storage, session } = setup();
    expect(AttemptSession.findUnfinished(storage, 'c-1')).toBe('att-1');
    expect(AttemptSession.findUnfinished(storage, 'c-2')).toBeUndefined();
    await session.submit();
    expect(AttemptSession.findUnfinished(storage, 'c-1')).toBeUndefined();
  });

  it('"another person" clears attempts and tokens but keeps reader settings', () => {
    const { storage, session, deps } = setup();
    session.choose('q1', 'a');
    storage.setItem(KEYS.locale, 'en');
    storage.setItem(KEYS.largeText, '1');
    clearPersonData(storage);
    expect(AttemptSession.restore('att-1', deps)).toBeUndefined();
    expect(storage.getItem(KEYS.locale)).toBe('en');
    expect(storage.getItem(KEYS.largeText)).toBe('1');
  });

  it('a new attempt starts empty, whatever an earlier one on this phone held', () => {
    const { deps, session } = setup();
    session.choose('q1', 'a');
    const next = AttemptSession.begin('c-1', startPayload({ attemptId: 'att-2', attemptToken: 'tok-2' }), undefined, deps);
    expect(next.answers).toEqual({});
    expect(next.index).toBe(0);
  });

  it('destroy() leaves no timer behind', async () => {
    const { time, session, port } = setup();
    port.saveScript = [networkError()];
    session.choose('q1', 'a');
    await time.advance(500);
    expect(time.pendingCount).toBe(1);
    session.destroy();
    expect(time.pendingCount).toBe(0);
  });
});

describe('parsePrediction', () => {
  it.each([
    ['', undefined],
    ['  ', undefined],
    ['42', 42],
    ['1500.4', 1500],
    ['-3', undefined],
    ['abc', undefined],
  ])('%j -> %j', (raw, want) => {
    expect(parsePrediction(raw)).toBe(want);
  });
});
