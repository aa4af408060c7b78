import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../../functions/domain/errors.ts';
import { fakeSystem } from '../../factories/fakes.ts';
import { rejection } from './helpers.ts';

describe('userUseCases', () => {
  it('creates the sign-in account, then the staff record with its id and the server time', async () => {
    const sys = fakeSystem();
    const user = await sys.userCases.create({ email: 'vanhoa@xa.gov.vn', password: 'Mat-khau-2024', role: 'organizer', displayName: 'Cán bộ VH-XH' });
    expect(user).toEqual({
      id: 'sub-1',
      email: 'vanhoa@xa.gov.vn',
      role: 'organizer',
      displayName: 'Cán bộ VH-XH',
      createdAt: sys.clock.iso(),
    });
    expect(sys.directory.accounts.get('vanhoa@xa.gov.vn')).toMatchObject({ sub: 'sub-1', role: 'organizer' });
    expect(await sys.users.list()).toEqual([user]);
    // The password is the directory's business only.
    expect(JSON.stringify(await sys.users.list())).not.toContain('Mat-khau');
  });

  it('leaves displayName out when none is given', async () => {
    const sys = fakeSystem();
    const user = await sys.userCases.create({ email: 'mttq@xa.gov.vn', password: 'Mat-khau-2024', role: 'observer', displayName: '' });
    expect(user).not.toHaveProperty('displayName');
  });

  it('lists staff by email', async () => {
    const sys = fakeSystem();
    for (const email of ['vp@xa.gov.vn', 'admin@xa.gov.vn', 'mttq@xa.gov.vn']) {
      sys.clock.advanceSec(1);
      await sys.userCases.create({ email, password: 'Mat-khau-2024', role: 'organizer' });
    }
    expect((await sys.userCases.list()).map((u) => u.email)).toEqual(['admin@xa.gov.vn', 'mttq@xa.gov.vn', 'vp@xa.gov.vn']);
  });

  it.each([
    ['an email already in use', { email: 'vp@xa.gov.vn', password: 'Mat-khau-khac' }, 'email'],
    ['a password the directory refuses', { email: 'moi@xa.gov.vn', password: 'ngan' }, 'password'],
  ])('%s is ValidationFailed and no staff record is written', async (_label, patch, field) => {
    const sys = fakeSystem();
    await sys.userCases.create({ email: 'vp@xa.gov.vn', password: 'Mat-khau-2024', role: 'organizer' });
    const e = await rejection(() => sys.userCases.create({ role: 'admin', ...patch }));
    expect(e).toBeInstanceOf(ValidationFailed);
    expect((e as ValidationFailed).details.map((d) => d.field)).toEqual([field]);
    expect(await sys.users.list()).toHaveLength(1);
  });
});
