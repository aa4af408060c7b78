// Local seed: the admin's staff record and, unless SEED_DEMO=0 or `npm run demo:remove` removed
// it, the commune's organizations, an open demo contest from its 2024 administrative-reform
// communication plan and a closed one with simulated participants (demo-past.ts). Idempotent.
import { unitRepository } from '../adapters/dynamodb/units.ts';
import { userRepository } from '../adapters/dynamodb/users.ts';
import type { Unit } from '../app/ports.ts';
import { contestRepository } from '../adapters/dynamodb/contests.ts';
import { ddb, GetCommand, tableName } from '../adapters/dynamodb/client.ts';
import { keys } from '../adapters/dynamodb/keys.ts';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { consecutiveRounds } from '../domain/rounds.ts';
import { parseQuestionFile } from '../adapters/import/question-file.ts';
import { DEMO_CONTEST_ID, DEMO_ROUNDS_CONTEST_ID, demoContest, demoQuestions, demoRoundsContest, demoUnits, demoVillages } from './demo.ts';
import { seedPastContest, timings } from './demo-past.ts';
import { seedLibrary, seedLibraryContest } from './demo-library.ts';

async function createIfMissing(unit: Unit) {
  try {
    await unitRepository.create(unit);
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
  }
}

export async function seed(options: { admin: { id: string; email: string }; demo: boolean; demoPast?: boolean }): Promise<void> {
  const existing = (await userRepository.list()).find((u) => u.id === options.admin.id);
  if (!existing) {
    await userRepository.save({
      id: options.admin.id,
      email: options.admin.email,
      role: 'admin',
      displayName: 'Quản trị viên',
      createdAt: new Date().toISOString(),
    });
  }
  if (!options.demo) return;
  const removed = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.demoRemoved(), ConsistentRead: true }));
  if (removed.Item) return;
  for (const unit of demoUnits) await createIfMissing(unit);
  await seedDemoContest();
  try {
    const imported = await seedLibrary();
    if (imported) console.log(`[local] demo: ${imported} questions of the ready-made bank imported into the question library`);
    if (await seedLibraryContest()) console.log('[local] demo: a contest drawing from the question library by topic published');
  } catch (e) {
    console.error(`[local] demo: the question library could not be seeded this time (${(e as Error).message})`);
  }
  await seedRoundsContest();
  if (options.demoPast === false) return;
  const started = Date.now();
  let people = 0;
  try {
    people = await seedPastContest();
  } catch (e) {
    // Demo data must never keep the platform from starting; the items are deterministic, so the next start completes them.
    console.error(`[local] demo: the closed contest could not be written this time (${(e as Error).message}); the next start completes it`);
    return;
  }
  if (people) console.log(`[local] demo: a closed contest with ${people} simulated participants written in ${((Date.now() - started) / 1000).toFixed(1)} s (items ${timings.items} ms, close ${timings.close} ms)`);
}

/** The demo contest opens a day before the first start and runs for 60 days, so it can be tried at once. */
async function seedDemoContest() {
  if (await contestRepository.get(DEMO_CONTEST_ID, true)) return;
  const start = new Date(Date.now() - 24 * 3600_000);
  const at = new Date().toISOString();
  await contestRepository.create({
    ...demoContest,
    id: DEMO_CONTEST_ID,
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 60 * 24 * 3600_000).toISOString(),
    unitIds: demoUnits.map((u) => u.id),
    villages: demoVillages,
    status: 'draft',
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
  await contestRepository.addQuestions(
    DEMO_CONTEST_ID,
    demoQuestions.map((q, i) => ({ id: `demo${String(i + 1).padStart(3, '0')}`, ...q })),
  );
  const draft = (await contestRepository.get(DEMO_CONTEST_ID, true))!;
  await contestRepository.replace({ ...draft, status: 'published', publishedAt: at, version: draft.version + 1 });
}

/**
 * The bank of the commune's plan (data/bank/plan-2024.csv, read through the real importer), or the
 * demo's own questions when the file is not there.
 */
async function planBank() {
  try {
    const bytes = await readFile(resolve(import.meta.dirname, '../../data/bank/plan-2024.csv'));
    const parsed = await parseQuestionFile(new Uint8Array(bytes), 'text/csv');
    if (parsed.ok && parsed.questions.length >= demoRoundsContest.questionsPerAttempt) return parsed.questions;
  } catch {
    /* no bank file: the demo's own questions */
  }
  return demoQuestions;
}

/** 4 weekly rounds; the first started two days before the first start, so the current week is open. */
async function seedRoundsContest() {
  if (await contestRepository.get(DEMO_ROUNDS_CONTEST_ID, true)) return;
  const start = Date.now() - 2 * 24 * 3600_000;
  const rounds = consecutiveRounds(start, 4, 7, (n) => `Tuần ${n}`);
  const at = new Date().toISOString();
  await contestRepository.create({
    ...demoRoundsContest,
    id: DEMO_ROUNDS_CONTEST_ID,
    startsAt: rounds[0]!.startsAt,
    endsAt: rounds[3]!.endsAt,
    rounds,
    unitIds: demoUnits.map((u) => u.id),
    villages: demoVillages,
    status: 'draft',
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
  const bank = await planBank();
  await contestRepository.addQuestions(
    DEMO_ROUNDS_CONTEST_ID,
    bank.map((q, i) => ({ id: `tuan${String(i + 1).padStart(3, '0')}`, ...q })),
  );
  const draft = (await contestRepository.get(DEMO_ROUNDS_CONTEST_ID, true))!;
  await contestRepository.replace({ ...draft, status: 'published', publishedAt: at, version: draft.version + 1 });
}
