// The certificate's messages, merged into the app's catalog on first use (see i18n/cert-vi.ts).
import { i18n, packLoader, type MessageKey, type MessagePack, type Params } from './i18n/index.svelte.ts';
import { certVi, type CertKey } from './i18n/cert-vi.ts';

export type { CertKey };

const certPack: MessagePack = async (locale) => (locale === 'en' ? (await import('./i18n/cert-en.ts')).certEn : certVi);

export const loadCertMessages = packLoader(certPack);

export const ct = (key: CertKey, params?: Params): string => i18n.t(key as unknown as MessageKey, params);
