// @witk/downsample and @witk/compare-images in Node: known answers (block means, constant
// images, one changed pixel), ITK's output geometry, tuple results as ITK-Wasm's named
// objects, typed errors that leave the pipeline usable, and worker mode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ds from '../../../build/npm/downsample/index.js';
import * as cmp from '../../../build/npm/compare-images/index.js';

/** A 2-D image of `size` (x first) with `values(x, y)`. */
function image2d(size, values, { componentType = 'float32', spacing = [0.5, 2], origin = [10, -4] } = {}) {
  const Array = { float32: Float32Array, uint16: Uint16Array, float64: Float64Array }[componentType];
  const data = new Array(size[0] * size[1]);
  for (let y = 0; y < size[1]; y++) for (let x = 0; x < size[0]; x++) data[y * size[0] + x] = values(x, y);
  return {
    imageType: { dimension: 2, componentType, pixelType: 'Scalar', components: 1 },
    name: 'image',
    origin,
    spacing,
    direction: new Float64Array([1, 0, 0, 1]),
    size,
    metadata: new Map(),
    data,
  };
}

test('bin shrink: block means and the origin of the first block centre', async () => {
  const input = image2d([4, 6], (x, y) => 10 * y + x, { componentType: 'uint16' });
  const out = await ds.downsampleBinShrink(input, [2, 3]);
  assert.deepEqual(out.size, [2, 2]);
  assert.deepEqual(out.spacing, [1, 6]);
  // ITK's BinShrink: the output pixel sits at the centre of its block.
  assert.deepEqual(out.origin, [10 + 0.5 * 0.5, -4 + 1 * 2]);
  // Means of {0,1,10,11,20,21}=10.5 -> 11 (rounded), {2,3,12,13,22,23}=12.5 -> 13, ...
  assert.deepEqual(Array.from(out.data), [11, 13, 41, 43]);
  assert.ok(out.data instanceof Uint16Array);
});

test('downsample: a constant stays constant; size and spacing as ITK computes them', async () => {
  const input = image2d([9, 8], () => 42.5);
  const out = await ds.downsample(input, [2, 2]);
  assert.deepEqual(out.size, [4, 4]);
  assert.deepEqual(out.spacing, [1, 4]);
  for (const v of out.data) assert.ok(Math.abs(v - 42.5) < 1e-4, `${v}`);
  const sigma = await ds.downsampleSigma([2, 4]);
  assert.equal(sigma.length, 2);
  assert.ok(sigma[0] > 0 && sigma[1] > sigma[0], `${sigma}`);
});

test('label images never get labels they did not have', async () => {
  const input = image2d([8, 8], (x, y) => (x < 4 ? 3 : 7) + (y < 2 ? 10 : 0), { componentType: 'uint16' });
  const out = await ds.downsampleLabelImage(input, [2, 2]);
  const labels = new Set(input.data);
  for (const v of out.data) assert.ok(labels.has(v), `label ${v}`);
});

test('compare images: identical, one changed pixel, tolerances, and the best baseline', async () => {
  const base = image2d([6, 5], (x, y) => x * y);
  const same = await cmp.compareImages(base, [base]);
  assert.equal(same.metrics.almostEqual, true);
  assert.equal(same.metrics.numberOfPixelsWithDifferences, 0);
  assert.deepEqual(same.differenceImage.size, [6, 5]);

  const changed = { ...base, data: base.data.slice() };
  changed.data[2 * 6 + 3] += 100;
  const one = await cmp.compareImages(changed, [base]);
  assert.equal(one.metrics.almostEqual, false);
  assert.equal(one.metrics.numberOfPixelsWithDifferences, 1);
  assert.equal(one.metrics.maximumDifference, 100);
  assert.equal(one.differenceImage.data[2 * 6 + 3], 100);
  assert.equal(one.differenceUchar2dImage.imageType.componentType, 'uint8');
  const tolerated = await cmp.compareImages(changed, [base], { numberOfPixelsTolerance: 1 });
  assert.equal(tolerated.metrics.almostEqual, true);
  const best = await cmp.compareImages(changed, [base, changed]);
  assert.equal(best.metrics.bestBaselineIndex, 1);
  assert.equal(best.metrics.almostEqual, true);
});

test('bad inputs reject with typed errors and the next call works', async () => {
  const input = image2d([4, 4], () => 1);
  await assert.rejects(ds.downsampleBinShrink(input, [0, 2]), { name: 'WitkError', code: 'invalid-argument' });
  await assert.rejects(ds.downsample(input, [2]), { name: 'WitkError', code: 'invalid-argument' });
  const other = image2d([5, 4], () => 1);
  await assert.rejects(cmp.compareImages(input, [other]), { name: 'WitkError', code: 'invalid-argument' });
  await assert.rejects(cmp.compareImages(input, []), { name: 'WitkError', code: 'invalid-argument' });
  assert.deepEqual((await ds.downsampleBinShrink(input, [2, 2])).size, [2, 2]);
  assert.equal((await cmp.compareImages(input, [input])).metrics.almostEqual, true);
});

test('worker mode gives the same results', async () => {
  ds.configure({ workers: 2 });
  cmp.configure({ workers: 2 });
  const input = image2d([16, 12], (x, y) => Math.sin(x) * 100 + y);
  assert.deepEqual(await ds.downsample(input, [2, 2], { worker: true }), await ds.downsample(input, [2, 2]));
  const viaWorker = await cmp.compareImages(input, [input], { worker: true });
  assert.equal(viaWorker.metrics.almostEqual, true);
  ds.terminate();
  cmp.terminate();
});
