// The API refused this app as built for an older contract (426 APP_OUTDATED): load the new version
// now. An attempt in progress is on the device (state/storage.ts) and the new app resumes it after
// the reload, so this never loses answers; the session keeps its submit pending meanwhile.
// Loaded on demand: only an out-of-date app ever runs this.

const LAST_RELOAD = 'cthi.outdatedReload';
/** One forced reload a minute at most: a deploy whose web part is not yet uploaded must not loop. */
const MIN_GAP_MS = 60_000;
let started = false;

function waitFor(target: EventTarget, event: string, done: () => boolean, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (done()) return resolve();
    const finish = () => {
      clearTimeout(timer);
      target.removeEventListener(event, check);
      resolve();
    };
    const check = () => done() && finish();
    const timer = setTimeout(finish, ms);
    target.addEventListener(event, check);
  });
}

export async function reloadToNewVersion(): Promise<void> {
  if (started || typeof location === 'undefined') return;
  started = true;
  try {
    const last = Number(sessionStorage.getItem(LAST_RELOAD));
    if (Date.now() - last < MIN_GAP_MS) return;
    sessionStorage.setItem(LAST_RELOAD, String(Date.now()));
  } catch {
    // No session storage: reload anyway, once per page.
  }
  const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : undefined;
  const reg = sw?.controller ? await sw.getRegistration().catch(() => undefined) : undefined;
  if (sw && reg) {
    // The page comes from the precache: the new version must be installed and take over first.
    await reg.update().catch(() => undefined);
    const worker = reg.installing ?? reg.waiting;
    if (worker) {
      await waitFor(worker, 'statechange', () => worker.state !== 'installing', 30_000);
      if (reg.waiting) {
        const waiting = reg.waiting;
        const before = sw.controller;
        const changed = waitFor(sw, 'controllerchange', () => sw.controller !== before, 10_000);
        waiting.postMessage({ type: 'SKIP_WAITING' });
        await changed;
      }
    }
  }
  location.reload();
}
