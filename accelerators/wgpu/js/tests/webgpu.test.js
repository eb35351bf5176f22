// @witk/downsample-webgpu: in Node (no WebGPU) every call falls back to the component;
// in headless Chromium with WebGPU (SwiftShader's software adapter) the same planner and
// WGSL as the native accelerator give the component's bytes for every component type,
// 2-D and 3-D, scalar and multi-component, large images in slabs; overrides register at
// priority 10 and turn off with functionFactory.disable and WITK_ACCELERATORS=none.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const { launchChromium } = await import(`${root}bindings/js/test/browser/chromium.js`);
const { serve } = await import(`${root}bindings/js/test/browser/server.js`);

// Installed as a user has them: both packages under node_modules/@witk.
const project = mkdtempSync(`${tmpdir()}/witk-webgpu-`);
mkdirSync(`${project}/node_modules/@witk`, { recursive: true });
for (const name of ['downsample', 'downsample-webgpu']) {
  cpSync(`${root}build/npm/${name}`, `${project}/node_modules/@witk/${name}`, { recursive: true });
}
const ds = await import(`${project}/node_modules/@witk/downsample/index.js`);
const webgpu = await import(`${project}/node_modules/@witk/downsample-webgpu/index.js`);

function image(size, componentType, components, data) {
  return {
    imageType: { dimension: size.length, componentType, pixelType: components > 1 ? 'VariableLengthVector' : 'Scalar', components },
    name: 'test',
    origin: size.map((_, i) => i * 0.5),
    spacing: size.map((_, i) => 1 + i),
    direction: Float64Array.from({ length: size.length ** 2 }, (_, i) => (i % (size.length + 1) === 0 ? 1 : 0)),
    size,
    metadata: new Map(),
    data,
  };
}

test('in Node, without WebGPU, the overrides are registered and the component answers', async () => {
  assert.equal(await webgpu.adapter(), null);
  for (const name of ['downsample', 'downsampleBinShrink', 'downsampleLabelImage']) {
    assert.ok(ds.functionFactory.lookup('downsample', name).has(webgpu.overrides[name]), name);
    assert.equal(ds.functionFactory.getPriority(webgpu.overrides[name]), 10);
  }
  const img = image([9, 7, 5], 'uint16', 1, Uint16Array.from({ length: 315 }, (_, i) => (i * 7919) % 4096));
  const out = await ds.downsample(img, [2, 2, 2]);
  assert.match(webgpu.lastFallback(), /no WebGPU adapter/);
  process.env.WITK_ACCELERATORS = 'none';
  try {
    assert.equal(ds.functionFactory.highestPriority('downsample', 'downsample'), null);
    assert.deepEqual(await ds.downsample(img, [2, 2, 2]), out);
  } finally {
    delete process.env.WITK_ACCELERATORS;
  }
  // Invalid calls: the component's WitkError.
  await assert.rejects(ds.downsampleBinShrink(img, [2, 2]), (e) => e instanceof ds.WitkError && e.code === 'invalid-argument');
});

let server, browser, page;

before(async () => {
  server = await serve(root);
  // WebGPU on Linux is behind --enable-unsafe-webgpu; with no GPU here Chromium offers
  // SwiftShader's software Vulkan adapter.
  browser = await launchChromium({ webgpu: true });
  page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/accelerators/wgpu/js/tests/page.html`);
  await page.waitForFunction(() => window.ready === true || window.failed, null, { timeout: 120000 });
  assert.deepEqual(errors, []);
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('in Chromium, WebGPU gives the component bytes for every type, shape and method', async () => {
  const r = await page.evaluate(() => window.checkAll());
  assert.match(r.adapter ?? 'none', /WebGPU/, JSON.stringify(r));
  assert.deepEqual(r.mismatches, []);
  assert.deepEqual(r.fallbacks, []);
  assert.ok(r.calls >= 60, `${r.calls} calls`);
});

test('in Chromium, a large image splits into slabs and still matches; disable() hands back to the component', async () => {
  const r = await page.evaluate(() => window.checkSlabsAndDisable());
  assert.deepEqual(r, { slabsEqual: true, gpuUsed: true, disabledFallback: 'component', reenabled: true });
});
