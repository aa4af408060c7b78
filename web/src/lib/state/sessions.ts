// Wiring of AttemptSession to the real API and device storage, plus the hand-over from
// the registration form to the attempt page (so starting needs exactly one request).
import * as api from '../api/participant.ts';
import { AttemptSession, type Person, type SessionDeps } from './attempt-session.svelte.ts';
import { deviceStore } from './storage.ts';

export function sessionDeps(): SessionDeps {
  return {
    storage: deviceStore(),
    // The session runs its own endless backoff for saves and submits: one try per call here.
    port: {
      get: (id, token) => api.getAttempt(id, token),
      save: (id, token, answers, o) => api.saveAnswers(id, token, answers, { retry: { retries: 0 }, keepalive: o?.keepalive ?? false }),
      submit: (id, token, body) => api.submitAttempt(id, token, body, { retry: { retries: 0 } }),
    },
  };
}

let handed: AttemptSession | undefined;

export function handOver(session: AttemptSession): void {
  handed = session;
}

/** The session just started on this page view, or the one kept on the device. */
export function openSession(attemptId: string): { session: AttemptSession; fresh: boolean } | undefined {
  if (handed?.attemptId === attemptId) {
    const session = handed;
    handed = undefined;
    return { session, fresh: true };
  }
  const session = AttemptSession.restore(attemptId, sessionDeps());
  return session ? { session, fresh: false } : undefined;
}

/** "Another attempt" by the same person: the form is filled once, in memory only. */
let prefill: (Person & { contestId: string }) | undefined;
export function setPrefill(p: Person & { contestId: string }): void {
  prefill = p;
}
export function takePrefill(contestId: string): Person | undefined {
  const p = prefill?.contestId === contestId ? prefill : undefined;
  prefill = undefined;
  return p;
}
