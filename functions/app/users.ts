import type { Role } from '../domain/staff.ts';
import type { StaffDirectory, StaffUser, UserRepository } from './ports.ts';

export function userUseCases(deps: { users: UserRepository; directory: StaffDirectory; now: () => Date }) {
  return {
    list: async () => (await deps.users.list()).sort((a, b) => a.email.localeCompare(b.email)),
    async create(input: { email: string; password: string; role: Role; displayName?: string }): Promise<StaffUser> {
      const id = await deps.directory.createAccount(input);
      const user: StaffUser = {
        id,
        email: input.email,
        role: input.role,
        ...(input.displayName ? { displayName: input.displayName } : {}),
        createdAt: deps.now().toISOString(),
      };
      await deps.users.save(user);
      return user;
    },
  };
}
