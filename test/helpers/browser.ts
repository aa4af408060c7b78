// Debian's Chromium driven by playwright-core: never a downloaded browser.
import { chromium, type Browser, type Page } from 'playwright-core';
import { checkChromium, format } from '../../functions/local/preflight.ts';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchBrowser(): Promise<Browser> {
  // The same two lines as `npm test`'s preflight when a single browser test file is run without Chromium.
  const missing = checkChromium();
  if (missing) return Promise.reject(Object.assign(new Error(format('npm test', [missing])), { stack: '' }));
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A low-end Android phone: 360 px wide, touch, Vietnamese. */
export const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'vi-VN',
  timezoneId: 'Asia/Ho_Chi_Minh',
} as const;

/** Signs a staff member in to the console at `baseUrl` (waits for the signed-in header). */
export async function staffSignIn(page: Page, baseUrl: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/admin`);
  await page.getByTestId('staff-login').waitFor();
  await page.fill('[name=email]', who.email);
  await page.fill('[name=password]', who.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('staff-who').waitFor();
}
