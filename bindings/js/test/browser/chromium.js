// Debian's Chromium for every browser test, driven by playwright-core, started the one way
// this machine's closed network allows (no background connections, no updates).
import { chromium } from 'playwright-core';
import { serve } from './server.js';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch Chromium headless; `{ webgpu: true }` enables WebGPU (SwiftShader here), else the GPU is off. */
export function launchChromium({ webgpu = false } = {}) {
  const args = [...FLAGS, ...(webgpu ? ['--enable-unsafe-webgpu'] : ['--disable-gpu'])];
  return chromium.launch({ executablePath: CHROMIUM, args, headless: true });
}

/**
 * Serve `root` on 127.0.0.1, open a page in a fresh headless Chromium and run
 * `fn(page, base)`; page errors fail the run. Everything is closed afterwards.
 */
export async function withPage(root, fn) {
  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const result = await fn(page, base);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return result;
  } finally {
    await browser.close();
    server.close();
  }
}
