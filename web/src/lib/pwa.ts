// The service worker (web/vite.config.ts builds it): the participant shell works offline.
// A new version installs in the background and waits; the app lets it take over only at the start
// of a visit outside an attempt (one quick reload from the precache), so a person in the middle of
// an attempt never gets a different app under their fingers.
const inAttempt = () => location.pathname.startsWith('/attempts/');

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  sw.register('/sw.js').then(
    (reg) => {
      // A worker already waiting when this visit began takes over now (register() resolves once the
      // browser's update check is done); one that finishes installing later waits for the next visit.
      const waiting = reg.waiting;
      if (!waiting || !sw.controller || inAttempt()) return;
      sw.addEventListener('controllerchange', () => location.reload(), { once: true });
      waiting.postMessage({ type: 'SKIP_WAITING' });
    },
    () => {
      /* no service worker (private mode, old WebView): the app works online as before */
    },
  );
}
