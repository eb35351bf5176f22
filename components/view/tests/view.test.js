// @witk/view in Node: a picture of a small volume (its middle slices windowed as the WIT
// says, z up, panels 8 apart), options as ITK-Wasm-style named arguments, typed errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const view = await import(`${root}build/npm/view/index.js`);

/** x + 10 y + 100 z on a 4 x 3 x 2 uint16 grid. */
function ramp() {
  const data = new Uint16Array(24);
  for (let z = 0; z < 2; z++) for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) data[x + 4 * y + 12 * z] = x + 10 * y + 100 * z;
  return {
    imageType: { dimension: 3, componentType: 'uint16', pixelType: 'Scalar', components: 1 },
    name: 'ramp',
    origin: [0, 0, 0],
    spacing: [1, 1, 1],
    direction: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]),
    size: [4, 3, 2],
    metadata: new Map(),
    data,
  };
}

test('renderSlices: axial, coronal and sagittal panels of the middle slices', async () => {
  const out = await view.renderSlices(ramp(), { window: 255, level: 127.5 });
  assert.deepEqual(out.size, [4 + 8 + 4 + 8 + 3, 3]);
  assert.equal(out.imageType.pixelType, 'RGB');
  assert.ok(out.data instanceof Uint8Array);
  const at = (x, y) => out.data[(y * out.size[0] + x) * 3];
  assert.deepEqual([at(0, 0), at(3, 0), at(0, 2)], [100, 103, 120]); // axial z = 1
  assert.deepEqual([at(12, 0), at(12, 1)], [110, 10]); // coronal y = 1, z up
  assert.deepEqual([at(24, 0), at(26, 0)], [102, 122]); // sagittal x = 2
  const mip = await view.renderSlices(ramp(), { axis: 2, projection: true, window: 255, level: 127.5 });
  assert.deepEqual(mip.size, [4, 3]);
  assert.equal(mip.data[0], 100);
});

test('bad options reject with typed errors and leave the pipeline usable', async () => {
  await assert.rejects(view.renderSlices(ramp(), { axis: 7 }), { code: 'invalid-argument' });
  await assert.rejects(view.renderSlices(ramp(), { axis: 2, slice: 2 }), { code: 'invalid-argument' });
  assert.deepEqual((await view.renderSlices(ramp(), { axis: 0 })).size, [3, 2]);
});

test('renderMesh: a tetrahedron framed on the background, as ITK-Wasm mesh objects give it', async () => {
  const mesh = {
    meshType: {
      dimension: 3, pointComponentType: 'float32', pointPixelComponentType: 'float32', pointPixelType: 'Scalar',
      pointPixelComponents: 1, cellComponentType: 'uint32', cellPixelComponentType: 'float32', cellPixelType: 'Scalar',
      cellPixelComponents: 1,
    },
    name: 'tetra', numberOfPoints: 4, points: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
    numberOfPointPixels: 0, pointData: null, numberOfCells: 4,
    cells: new Uint32Array([2, 3, 0, 2, 1, 2, 3, 0, 1, 3, 2, 3, 0, 3, 2, 2, 3, 1, 2, 3]), cellBufferSize: 20,
    numberOfCellPixels: 0, cellData: null, metadata: new Map(),
  };
  const out = await view.renderMesh(mesh, { width: 64, height: 48 });
  assert.deepEqual(out.size, [64, 48]);
  assert.deepEqual(Array.from(out.data.subarray(0, 3)), [20, 23, 31]); // the corner: background
  let drawn = 0;
  for (let i = 0; i < out.data.length; i += 3) drawn += out.data[i] !== 20 || out.data[i + 1] !== 23 || out.data[i + 2] !== 31;
  assert.ok(drawn > 0.05 * 64 * 48 && drawn < 0.5 * 64 * 48, `${drawn} pixels drawn`);
  await assert.rejects(view.renderMesh(mesh, { width: 0 }), { code: 'invalid-argument' });
});
