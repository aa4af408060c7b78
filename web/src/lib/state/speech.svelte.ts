/// <reference types="svelte" />
// Read-aloud with the browser's speech synthesis, only where a Vietnamese voice exists
// (voices load late on Android, hence the voiceschanged listener).

class Speech {
  #voice = $state.raw<SpeechSynthesisVoice | undefined>(undefined);
  #speaking = $state(false);
  #started = false;

  get available(): boolean {
    return this.#voice !== undefined;
  }
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Call once at start-up, outside any reactive context. */
  init(): void {
    if (this.#started || typeof window === 'undefined' || !('speechSynthesis' in window)) return;
    this.#started = true;
    const synth = window.speechSynthesis;
    const pick = () => {
      const voices = synth.getVoices();
      this.#voice = voices.find((v) => v.lang.toLowerCase().replace('_', '-').startsWith('vi'));
    };
    pick();
    synth.addEventListener?.('voiceschanged', pick);
  }

  speak(text: string): void {
    if (!this.#voice) return;
    const synth = window.speechSynthesis;
    synth.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.voice = this.#voice;
    u.lang = this.#voice.lang;
    u.rate = 0.9;
    u.onend = u.onerror = () => {
      this.#speaking = false;
    };
    this.#speaking = true;
    synth.speak(u);
  }

  stop(): void {
    if (typeof window !== 'undefined' && 'speechSynthesis' in window) window.speechSynthesis.cancel();
    this.#speaking = false;
  }
}

export const speech = new Speech();
