// The console's messages: merged into the app's one catalog when the console loads, so
// `st()` follows the same locale switch as everything else.
import { i18n, packLoader, type MessageKey, type MessagePack, type Params } from '../i18n/index.svelte.ts';
import { staffVi, type StaffKey } from '../i18n/staff-vi.ts';

export type { StaffKey };

export const staffPack: MessagePack = async (locale) => (locale === 'en' ? (await import('../i18n/staff-en.ts')).staffEn : staffVi);

/** Resolves once the console's messages for the current locale are in the catalog. */
export const loadStaffMessages = packLoader(staffPack);

export const st = (key: StaffKey, params?: Params): string => i18n.t(key as unknown as MessageKey, params);
