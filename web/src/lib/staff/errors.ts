// One plain sentence for a failed staff call; field problems go next to their fields.
import { ApiError } from '../api/client.ts';
import { t } from '../i18n/index.svelte.ts';
import { st } from './i18n.ts';
import type { FieldIssue } from './types.ts';

export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return t('error.generic');
  if (err.isNetwork) return t('error.network');
  if (err.status >= 500 || err.status === 429) return t('error.server');
  if (err.status === 403) return st('staff.err.forbidden');
  if (err.status === 404) return st('staff.err.notFound');
  if (err.code === 'VALIDATION_FAILED') return st('staff.err.validation');
  if (err.status === 409) return st('staff.err.conflict', { message: err.message });
  return st('staff.err.server', { message: err.message });
}

/** The `details` of a 400 VALIDATION_FAILED as field issues (empty for anything else). */
export function fieldIssuesOf(err: unknown): FieldIssue[] {
  if (!(err instanceof ApiError) || err.code !== 'VALIDATION_FAILED' || !Array.isArray(err.details)) return [];
  return (err.details as unknown[]).filter(
    (d): d is FieldIssue => !!d && typeof (d as FieldIssue).field === 'string' && typeof (d as FieldIssue).message === 'string',
  );
}
