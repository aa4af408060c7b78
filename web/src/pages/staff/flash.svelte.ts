/// <reference types="svelte" />
// A one-time message carried across a navigation ("Contest created" on the next screen).
class Flash {
  #text = $state('');
  set(text: string): void {
    this.#text = text;
  }
  /** Reads and clears it: call from a component's script, not from its markup. */
  take(): string {
    const v = this.#text;
    this.#text = '';
    return v;
  }
}

export const flash = new Flash();
