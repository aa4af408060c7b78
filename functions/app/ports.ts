// Ports the use cases depend on. Adapters implement them (DynamoDB, Cognito); tests pass fakes.
import type { Role } from '../domain/staff.ts';

export type UnitKind = 'mass_organization' | 'agency' | 'school' | 'health' | 'police' | 'other';

export interface Unit {
  id: string;
  name: string;
  kind: UnitKind;
  memberCount: number;
}

export interface StaffUser {
  id: string;
  email: string;
  role: Role;
  displayName?: string;
  createdAt: string;
}

export interface UnitRepository {
  list(): Promise<Unit[]>;
  get(unitId: string): Promise<Unit | undefined>;
  create(unit: Unit): Promise<void>;
  /** Throws NotFound when the unit does not exist. */
  update(unitId: string, patch: Partial<Omit<Unit, 'id'>>): Promise<Unit>;
}

export interface UserRepository {
  list(): Promise<StaffUser[]>;
  save(user: StaffUser): Promise<void>;
}

export interface StaffDirectory {
  createAccount(input: { email: string; password: string; role: Role; displayName?: string }): Promise<string>;
}
