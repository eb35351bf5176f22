// Debian's Chromium for every browser test, driven by playwright-core, started the one way
// this machine's closed network allows (no background connections, no updates).
import { chromium } from 'playwright-core';

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
