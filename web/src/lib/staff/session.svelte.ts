/// <reference types="svelte" />
// The staff member's sign-in, kept on the device across reloads (localStorage) and ended
// cleanly: at the token's expiresAt, on any 401 from the API, or by signing out here or in
// another tab. Screens read `auth`; nothing else stores the token.
import { deviceStore, readJSON, writeJSON, type KeyValueStore } from '../state/storage.ts';
import { ROLES, type Role } from './types.ts';

export const SESSION_KEY = 'cthi.staff.session';
/** setTimeout keeps at most a signed 32-bit delay; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface StaffAuth {
  token: string;
  role: Role;
  expiresAt: string;
  email: string;
}

/** Why the last session ended, to tell the person on the sign-in screen. */
export type SessionEnd = 'expired' | 'signedOut';

export interface SessionDeps {
  store?: KeyValueStore;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

function isAuth(v: unknown): v is StaffAuth {
  const a = v as Partial<StaffAuth> | undefined;
  return (
    !!a &&
    typeof a.token === 'string' &&
    a.token.length > 0 &&
    typeof a.email === 'string' &&
    typeof a.expiresAt === 'string' &&
    !Number.isNaN(Date.parse(a.expiresAt)) &&
    (ROLES as readonly string[]).includes(a.role as string)
  );
}

export class StaffSession {
  #auth = $state.raw<StaffAuth | undefined>(undefined);
  #ended = $state<SessionEnd | undefined>(undefined);
  #store: KeyValueStore;
  #now: () => number;
  #setTimer: (fn: () => void, ms: number) => unknown;
  #clearTimer: (handle: unknown) => void;
  #timer: unknown;

  constructor(deps: SessionDeps = {}) {
    this.#store = deps.store ?? deviceStore();
    this.#now = deps.now ?? Date.now;
    this.#setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get auth(): StaffAuth | undefined {
    return this.#auth;
  }
  get signedIn(): boolean {
    return this.#auth !== undefined;
  }
  get role(): Role | undefined {
    return this.#auth?.role;
  }
  get token(): string | undefined {
    return this.#auth?.token;
  }
  get ended(): SessionEnd | undefined {
    return this.#ended;
  }

  /** Picks up the session saved on this device, unless it has already expired. */
  restore(): void {
    if (this.#store.getItem(SESSION_KEY) === null) return;
    const saved = readJSON<unknown>(this.#store, SESSION_KEY);
    if (!isAuth(saved)) {
      this.#forget();
      return;
    }
    if (Date.parse(saved.expiresAt) <= this.#now()) {
      this.#forget();
      this.#ended = 'expired';
      return;
    }
    this.#start(saved);
  }

  signIn(auth: StaffAuth): void {
    if (!isAuth(auth)) throw new Error('incomplete sign-in');
    writeJSON(this.#store, SESSION_KEY, auth);
    this.#ended = undefined;
    this.#start(auth);
  }

  signOut(): void {
    this.#end('signedOut');
  }

  /** The server refused the token (401) or its time is up. */
  expire(): void {
    if (this.#auth) this.#end('expired');
  }

  /** Follows sign-in and sign-out in other tabs of this browser; returns the cleanup. */
  watch(target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window): () => void {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== SESSION_KEY && e.key !== null) return;
      const saved = readJSON<unknown>(this.#store, SESSION_KEY);
      if (isAuth(saved) && Date.parse(saved.expiresAt) > this.#now()) {
        if (saved.token !== this.#auth?.token) this.#start(saved);
      } else if (this.#auth) {
        this.#stop();
        this.#auth = undefined;
        this.#ended = 'signedOut';
      }
    };
    target.addEventListener('storage', onStorage as EventListener);
    return () => target.removeEventListener('storage', onStorage as EventListener);
  }

  #start(auth: StaffAuth): void {
    this.#stop();
    this.#auth = auth;
    this.#arm();
  }

  #arm(): void {
    const auth = this.#auth;
    if (!auth) return;
    const left = Date.parse(auth.expiresAt) - this.#now();
    if (left <= 0) {
      this.#end('expired');
      return;
    }
    this.#timer = this.#setTimer(() => {
      this.#timer = undefined;
      this.#arm();
    }, Math.min(left, MAX_TIMER_MS));
  }

  #stop(): void {
    if (this.#timer !== undefined) this.#clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #forget(): void {
    try {
      this.#store.removeItem(SESSION_KEY);
    } catch {
      // Nothing saved to remove.
    }
  }

  #end(why: SessionEnd): void {
    this.#stop();
    this.#forget();
    this.#auth = undefined;
    this.#ended = why;
  }
}
