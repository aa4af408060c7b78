// Device storage. localStorage can be missing or throw (private tabs, full quota, some
// in-app browsers): fall back to memory so the attempt still works for this page view.

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(index: number): string | null;
  readonly length: number;
}

const PREFIX = 'cthi.';
export const KEYS = {
  attempt: (attemptId: string) => `${PREFIX}attempt.${attemptId}`,
  person: (contestId: string) => `${PREFIX}person.${contestId}`,
  locale: `${PREFIX}locale`,
  largeText: `${PREFIX}largeText`,
} as const;
const PERSON_PREFIXES = [`${PREFIX}attempt.`, `${PREFIX}person.`];

export class MemoryStore implements KeyValueStore {
  #map = new Map<string, string>();
  getItem(key: string) {
    return this.#map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.#map.set(key, String(value));
  }
  removeItem(key: string) {
    this.#map.delete(key);
  }
  key(index: number) {
    return [...this.#map.keys()][index] ?? null;
  }
  get length() {
    return this.#map.size;
  }
}

let fallback: MemoryStore | undefined;
export function deviceStore(): KeyValueStore {
  try {
    const ls = globalThis.localStorage;
    const probe = `${PREFIX}probe`;
    ls.setItem(probe, '1');
    ls.removeItem(probe);
    return ls;
  } catch {
    return (fallback ??= new MemoryStore());
  }
}

export function readJSON<T>(store: KeyValueStore, key: string): T | undefined {
  try {
    const raw = store.getItem(key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  } catch {
    return undefined;
  }
}

/** false when the device refused (quota): the caller keeps going from memory. */
export function writeJSON(store: KeyValueStore, key: string, value: unknown): boolean {
  try {
    store.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

function keysWithPrefix(store: KeyValueStore, prefixes: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const k = store.key(i);
    if (k !== null && prefixes.some((p) => k.startsWith(p))) out.push(k);
  }
  return out;
}

/** Shared phone, next person: forget every attempt and registration kept on this device. */
export function clearPersonData(store: KeyValueStore): void {
  for (const k of keysWithPrefix(store, PERSON_PREFIXES)) store.removeItem(k);
}

/** Ids of the attempts kept on this device, read lazily by the caller. */
export function storedAttemptIds(store: KeyValueStore): string[] {
  const prefix = `${PREFIX}attempt.`;
  return keysWithPrefix(store, [prefix]).map((k) => k.slice(prefix.length));
}
