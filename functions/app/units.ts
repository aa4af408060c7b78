import type { Unit, UnitKind, UnitRepository } from './ports.ts';

export function unitUseCases(deps: { units: UnitRepository; newId: () => string }) {
  return {
    list: async () => (await deps.units.list()).sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    async create(input: { name: string; kind?: UnitKind; memberCount: number }): Promise<Unit> {
      const unit: Unit = { id: deps.newId(), name: input.name, kind: input.kind ?? 'mass_organization', memberCount: input.memberCount };
      await deps.units.create(unit);
      return unit;
    },
    update: (unitId: string, patch: Partial<Omit<Unit, 'id'>>) => deps.units.update(unitId, patch),
  };
}
