// A start retried with the same Idempotency-Key (the answer was lost on 3G) is one attempt, not two.
import { beforeAll, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import type { Stack } from '../helpers/server.ts';
import { sharedServer } from '../helpers/shared-server.ts';

let server: Stack;
let api: ReturnType<typeof apiClient>;
beforeAll(async () => {
  server = await sharedServer();
  api = apiClient(server.baseUrl);
});

const person = { fullName: 'Đinh Văn Phúc', phone: '0971 222 333', unitId: 'doan-thanh-nien', consent: true };
const start = (key: string | undefined, body: object = person) =>
  api.call('POST', '/api/contests/cchc-2024/attempts', { body, headers: key ? { 'idempotency-key': key } : {} });

it('replays the same attempt for the same key, in sequence and in parallel', async () => {
  const key = 'Rk3v0cXo9aP2mQ7tZ1yW8b';
  const [a, b] = await Promise.all([start(key), start(key)]);
  const c = await start(key);
  for (const r of [a, b, c]) expect(r.status, r.text).toBe(201);
  expect(new Set([a.body.attemptId, b.body.attemptId, c.body.attemptId]).size).toBe(1);
  expect(c.body.attemptToken).toBe(key);
  expect(c.body.questions.map((q: any) => q.id)).toEqual(a.body.questions.map((q: any) => q.id));
  // Only one attempt of the three allowed was used.
  const next = await start(undefined);
  expect(next.body.attemptNo).toBe(2);
  expect(next.body.attemptsLeft).toBe(1);
});

it('refuses a key reused for another person, and a malformed key', async () => {
  const key = 'Qz8n1LmW4pV7sX2cB5dF0g';
  expect((await start(key, { ...person, phone: '0988 777 666' })).status).toBe(201);
  const other = await start(key, { ...person, phone: '0988 777 555' });
  expect(other.status).toBe(409);
  expect(other.body.error.code).toBe('INVALID_STATE');
  const bad = await start('short');
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('VALIDATION_FAILED');
});
