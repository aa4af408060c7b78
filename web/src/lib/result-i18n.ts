// The result screen's messages, merged into the app's catalog before it shows (see i18n/result-vi.ts).
import { i18n, packLoader, type MessageKey, type MessagePack, type Params } from './i18n/index.svelte.ts';
import { resultVi, type ResultKey } from './i18n/result-vi.ts';

const resultPack: MessagePack = async (locale) => (locale === 'en' ? (await import('./i18n/result-en.ts')).resultEn : resultVi);

export const loadResultMessages = packLoader(resultPack);

export const rt = (key: ResultKey, params?: Params): string => i18n.t(key as unknown as MessageKey, params);
