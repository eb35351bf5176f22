// @witk/compare-meshes in Node: ITK-Wasm's metrics object (nested, camelCase) and the
// difference meshes, for a mesh against itself and against a moved copy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cm = await import(`${root}build/npm/compare-meshes/index.js`);

function tetra(dx = 0) {
  return {
    meshType: {
      dimension: 3,
      pointComponentType: 'float32',
      pointPixelComponentType: 'float32',
      pointPixelType: 'Scalar',
      pointPixelComponents: 1,
      cellComponentType: 'uint32',
      cellPixelComponentType: 'float32',
      cellPixelType: 'Scalar',
      cellPixelComponents: 1,
    },
    name: 'tetra',
    numberOfPoints: 4,
    points: new Float32Array([0, 0, 0, 1 + dx, 0, 0, 0, 1, 0, 0, 0, 1]),
    numberOfPointPixels: 4,
    pointData: new Float32Array([0, 1, 2, 3]),
    numberOfCells: 2,
    cells: new Uint32Array([2, 3, 0, 1, 2, 2, 3, 0, 1, 3]),
    cellBufferSize: 10,
    numberOfCellPixels: 0,
    cellData: null,
    metadata: new Map(),
  };
}

test('a mesh is almost equal to itself; a moved point shows as its squared distance', async () => {
  const same = await cm.compareMeshes(tetra(), [tetra()]);
  assert.equal(same.metrics.almostEqual, true);
  const moved = await cm.compareMeshes(tetra(), [tetra(0.5)]);
  const m = moved.metrics;
  assert.equal(m.almostEqual, false);
  assert.equal(m.points.sameNumber, true);
  assert.equal(m.points.numberWithDifferences, 1);
  assert.equal(m.points.maximumDifference, 0.25);
  assert.equal(m.points.meanDifference, 0.0625);
  assert.equal(m.cells.sameTypes, true);
  assert.ok(moved.pointsDifferenceMesh.pointData instanceof Float64Array);
  assert.deepEqual([...moved.pointsDifferenceMesh.pointData], [0, 0.25, 0, 0]);
  const loose = await cm.compareMeshes(tetra(), [tetra(0.5)], { numberOfDifferentPointsTolerance: 1 });
  assert.equal(loose.metrics.almostEqual, true);
});

test('no baseline is a typed error', async () => {
  await assert.rejects(cm.compareMeshes(tetra(), []), (e) => e.code === 'invalid-argument');
});
