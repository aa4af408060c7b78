/// <reference types="svelte" />
// Reader settings that persist on the device (the locale lives in i18n).
import { KEYS, deviceStore } from './storage.ts';

class Settings {
  #largeText = $state(false);

  get largeText(): boolean {
    return this.#largeText;
  }

  setLargeText(on: boolean): void {
    this.#largeText = on;
    if (typeof document !== 'undefined') document.documentElement.classList.toggle('large-text', on);
    try {
      deviceStore().setItem(KEYS.largeText, on ? '1' : '0');
    } catch {
      // Kept for this visit only.
    }
  }

  init(): void {
    const on = deviceStore().getItem(KEYS.largeText) === '1';
    this.#largeText = on;
    if (typeof document !== 'undefined') document.documentElement.classList.toggle('large-text', on);
  }
}

export const settings = new Settings();
