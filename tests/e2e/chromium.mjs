// The headless Chromium every browser script here drives (the e2e runner and the first-load
// measurements), launched one way so that they all see the same browser.

import { chromium } from 'playwright-core';

// Debian's Chromium, no sandbox (CI runs as root), and no traffic but to the local server.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

/** Chromium from `$CHROMIUM`, or Debian's. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** Emulates a 10 Mbit/s (5 up), 40 ms link for `page` (Chromium's network emulation). */
export async function throttleTo10Mbit(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 40,
    downloadThroughput: (10 * 1024 * 1024) / 8,
    uploadThroughput: (5 * 1024 * 1024) / 8,
  });
}
