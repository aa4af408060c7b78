import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { i18n } from './lib/i18n/index.svelte.ts';
import { settings } from './lib/state/settings.svelte.ts';
import { speech } from './lib/state/speech.svelte.ts';
import { registerServiceWorker } from './lib/pwa.ts';
import { attemptPath, router } from './lib/router.svelte.ts';
import { AttemptSession } from './lib/state/attempt-session.svelte.ts';
import { deviceStore } from './lib/state/storage.ts';

settings.init();
speech.init();

function start() {
  const target = document.getElementById('app')!;
  // index.html paints a static shell first (fast first paint on 3G); replace it.
  target.textContent = '';
  mount(App, { target });
  registerServiceWorker();
  // The API refused this build as too old (426): load the new version.
  addEventListener('app-outdated', () => void import('./lib/app-update.ts').then((m) => m.reloadToNewVersion()), { once: true });
  // A submit the server never answered (the browser was closed offline): its page sends it and
  // says so. Back returns to the page the person opened.
  if (!/^\/(admin|attempts)\//.test(location.pathname)) {
    const pending = AttemptSession.findPendingSubmit(deviceStore(), Date.now());
    if (pending) router.navigate(attemptPath(pending));
  }
}

// English is a separate chunk: wait for it only when it was the saved choice.
void i18n.init().then(start, start);
