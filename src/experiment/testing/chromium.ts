// Headless Chromium for the browser tests (the HTML report, the run browser): where it is, the
// skip reason without it, and a fresh profile with networking extras off.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.DWGD_CHROMIUM ?? '/usr/bin/chromium';

/** `skip` for a test that needs Chromium: false when it is there, else why not. */
export const CHROMIUM_SKIP: string | false = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does it)`;

/** A headless Chromium with a new profile; close the context when done. */
export async function launchChromium(): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dwgd-chromium-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
