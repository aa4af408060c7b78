import { ApiError } from './api/client.ts';
import type { MessageKey } from './i18n/index.svelte.ts';

/** A plain sentence for a failed load; the details stay in the console. */
export function loadErrorKey(err: unknown): MessageKey {
  if (!(err instanceof ApiError)) return 'error.generic';
  if (err.isNetwork) return 'error.network';
  if (err.status >= 500 || err.status === 429) return 'error.server';
  if (err.code === 'NOT_FOUND') return 'error.contestNotFound';
  return 'error.generic';
}
