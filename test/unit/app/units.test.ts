import { describe, expect, it } from 'vitest';
import { NotFound } from '../../../functions/domain/errors.ts';
import { fakeSystem } from '../../factories/fakes.ts';
import { UNITS } from './helpers.ts';

describe('unitUseCases', () => {
  it('lists units in Vietnamese alphabetical order', async () => {
    const sys = fakeSystem({ units: UNITS });
    const names = (await sys.unitCases.list()).map((u) => u.name);
    // Đ sorts after D and before H in Vietnamese (not after Z as in code-point order).
    expect(names).toEqual(['Công đoàn cơ sở', 'Đoàn Thanh niên', 'Hội Cựu chiến binh', 'Hội Liên hiệp Phụ nữ', 'Hội Nông dân']);
  });

  it.each([
    [{ name: 'Hội Người cao tuổi', memberCount: 120 }, { kind: 'mass_organization' }],
    [{ name: 'Trường Mầm non', kind: 'school' as const, memberCount: 25 }, { kind: 'school' }],
  ])('creates %j with a new id (%j)', async (input, expected) => {
    const sys = fakeSystem();
    const unit = await sys.unitCases.create(input);
    expect(unit).toEqual({ id: expect.any(String), ...input, ...expected });
    expect(await sys.units.get(unit.id)).toEqual(unit);
  });

  it('two units get two ids', async () => {
    const sys = fakeSystem();
    const a = await sys.unitCases.create({ name: 'Đơn vị A', memberCount: 1 });
    const b = await sys.unitCases.create({ name: 'Đơn vị B', memberCount: 1 });
    expect(a.id).not.toBe(b.id);
    expect(await sys.unitCases.list()).toHaveLength(2);
  });

  it('updates only the fields sent', async () => {
    const sys = fakeSystem({ units: UNITS });
    const updated = await sys.unitCases.update('u-nd', { memberCount: 350, name: undefined });
    expect(updated).toEqual({ ...UNITS.find((u) => u.id === 'u-nd'), memberCount: 350 });
    expect(await sys.units.get('u-nd')).toEqual(updated);
  });

  it('updating an unknown unit is NotFound', async () => {
    const sys = fakeSystem({ units: UNITS });
    await expect(sys.unitCases.update('u-ghost', { memberCount: 3 })).rejects.toBeInstanceOf(NotFound);
    expect(await sys.units.get('u-ghost')).toBeUndefined();
  });
});
