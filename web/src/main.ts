import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { i18n } from './lib/i18n/index.svelte.ts';
import { settings } from './lib/state/settings.svelte.ts';
import { speech } from './lib/state/speech.svelte.ts';
import { registerServiceWorker } from './lib/pwa.ts';

settings.init();
speech.init();

function start() {
  const target = document.getElementById('app')!;
  // index.html paints a static shell first (fast first paint on 3G); replace it.
  target.textContent = '';
  mount(App, { target });
  registerServiceWorker();
}

// English is a separate chunk: wait for it only when it was the saved choice.
void i18n.init().then(start, start);
