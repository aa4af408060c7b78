/// <reference types="svelte" />
// Tiny message catalog: t(key, params) reads the current locale's messages, which are
// reactive, so templates redraw when the locale changes. English loads on demand.
import { vi, type MessageKey, type Messages } from './vi.ts';
import { KEYS, deviceStore } from '../state/storage.ts';

export type Locale = 'vi' | 'en';
export const LOCALES: readonly Locale[] = ['vi', 'en'];
export type { MessageKey, Messages };

export type Params = Record<string, string | number>;
/** Extra messages for one locale, loaded with the code that uses them (the staff console). */
export type MessagePack = (locale: Locale) => Promise<Record<string, string>>;

export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

class I18n {
  #locale = $state<Locale>('vi');
  #messages = $state.raw<Messages>(vi);
  #packs: MessagePack[] = [];
  #extra = $state.raw<Record<string, string>>({});

  get locale(): Locale {
    return this.#locale;
  }
  /** BCP 47 tag for Intl formatting. */
  get tag(): string {
    return this.#locale === 'vi' ? 'vi-VN' : 'en-GB';
  }

  t(key: MessageKey, params?: Params): string {
    return interpolate(this.#messages[key] ?? this.#extra[key] ?? vi[key] ?? key, params);
  }

  /** Merges a lazily loaded catalog into this one, now and at every locale change. */
  async addPack(pack: MessagePack): Promise<void> {
    this.#packs.push(pack);
    const locale = this.#locale;
    const extra = await pack(locale);
    if (locale === this.#locale) this.#extra = { ...this.#extra, ...extra };
  }

  async setLocale(locale: Locale, persist = true): Promise<void> {
    const [messages, ...extra] = await Promise.all([locale === 'en' ? import('./en.ts').then((m) => m.en) : vi, ...this.#packs.map((p) => p(locale))]);
    this.#messages = messages;
    this.#extra = Object.assign({}, ...extra);
    this.#locale = locale;
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
    if (persist) {
      try {
        deviceStore().setItem(KEYS.locale, locale);
      } catch {
        // Not persisted; the choice holds for this visit.
      }
    }
  }

  /** The saved choice, applied before the first render. */
  async init(): Promise<void> {
    const saved = deviceStore().getItem(KEYS.locale);
    if (saved === 'en') await this.setLocale('en', false);
    else if (typeof document !== 'undefined') document.documentElement.lang = 'vi';
  }
}

/** Loads a pack into the catalog once (a failed load, e.g. offline, is tried again on the next call). */
export function packLoader(pack: MessagePack): () => Promise<void> {
  let loaded: Promise<void> | undefined;
  return () =>
    (loaded ??= i18n.addPack(pack).catch((err: unknown) => {
      loaded = undefined;
      throw err;
    }));
}

export const i18n = new I18n();
export const t = (key: MessageKey, params?: Params): string => i18n.t(key, params);
