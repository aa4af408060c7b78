// Local seed: the admin's staff record and, unless SEED_DEMO=0, the commune's organizations
// and a demo contest from its 2024 administrative-reform communication plan. Idempotent.
import { unitRepository } from '../adapters/dynamodb/units.ts';
import { userRepository } from '../adapters/dynamodb/users.ts';
import type { Unit } from '../app/ports.ts';
import { demoUnits } from './demo.ts';

async function createIfMissing(unit: Unit) {
  try {
    await unitRepository.create(unit);
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
  }
}

export async function seed(options: { admin: { id: string; email: string }; demo: boolean }): Promise<void> {
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
  for (const unit of demoUnits) await createIfMissing(unit);
}
