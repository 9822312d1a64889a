// Headless Chromium for the benchmarks that time pages as a reader sees them (lab, webapp): one path, one set of flags.
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.MOSAIC_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, without the sandbox (benchmarks run as root in CI) or background traffic. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}
