// Local seed: the admin's staff record and, unless SEED_DEMO=0 or `npm run demo:remove` removed
// it, the commune's organizations, an open demo contest from its 2024 administrative-reform
// communication plan, the question library with contests drawing from it (demo-library.ts: one
// of 4 weekly rounds) and a closed one with simulated participants (demo-past.ts). Idempotent.
import { unitRepository } from '../adapters/dynamodb/units.ts';
import { userRepository } from '../adapters/dynamodb/users.ts';
import type { Unit } from '../app/ports.ts';
import { contestRepository } from '../adapters/dynamodb/contests.ts';
import { ddb, GetCommand, tableName } from '../adapters/dynamodb/client.ts';
import { keys } from '../adapters/dynamodb/keys.ts';
import { DEMO_CONTEST_ID, demoContest, demoQuestions, demoUnits, demoVillages } from './demo.ts';
import { seedPastContest, timings } from './demo-past.ts';
import { seedLibrary, seedLibraryContest, seedRoundsContest } from './demo-library.ts';

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
    if (await seedRoundsContest()) console.log('[local] demo: a contest of 4 weekly rounds drawing from the question library published');
  } catch (e) {
    console.error(`[local] demo: the question library could not be seeded this time (${(e as Error).message})`);
  }
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

