// The round messages, merged into the catalog when a round screen first loads (as the console's
// are): both languages in this small lazy module, so it needs no chunk of its own.
import { i18n, type MessageKey, type Params } from './i18n/index.svelte.ts';
import { roundsEn } from './i18n/rounds-en.ts';
import { roundsVi, type RoundKey } from './i18n/rounds-vi.ts';

let loaded: Promise<void> | undefined;
export function loadRoundMessages(): Promise<void> {
  loaded ??= i18n.addPack(async (locale) => (locale === 'en' ? roundsEn : roundsVi));
  return loaded;
}

export const rt = (key: RoundKey, params?: Params): string => i18n.t(key as unknown as MessageKey, params);
