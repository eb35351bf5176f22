// @witk/mesh-to-poly-data in Node: an ITK-Wasm-shaped mesh to the poly data vtk.js takes
// (Float32Array points, Uint32Array connectivity in VTK's sections) and back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const m2p = await import(`${root}build/npm/mesh-to-poly-data/index.js`);

/** A polygon, a vertex and a triangle, interleaved, with a label per cell. */
function mesh() {
  return {
    meshType: {
      dimension: 3,
      pointComponentType: 'float32',
      pointPixelComponentType: 'float32',
      pointPixelType: 'Scalar',
      pointPixelComponents: 1,
      cellComponentType: 'uint32',
      cellPixelComponentType: 'int32',
      cellPixelType: 'Scalar',
      cellPixelComponents: 1,
    },
    name: 'mixed',
    numberOfPoints: 5,
    points: new Float32Array([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0.5, 0.5, 1]),
    numberOfPointPixels: 0,
    pointData: null,
    numberOfCells: 3,
    cells: new Uint32Array([4, 4, 0, 1, 2, 3, 0, 1, 4, 2, 3, 0, 1, 4]),
    cellBufferSize: 14,
    numberOfCellPixels: 3,
    cellData: new Int32Array([10, 20, 30]),
    metadata: new Map(),
  };
}

test('meshToPolyData gives VTK sections, cell data in their order, and polyDataToMesh undoes it', async () => {
  const poly = await m2p.meshToPolyData(mesh());
  assert.ok(poly.points instanceof Float32Array);
  assert.deepEqual([...poly.vertices], [1, 4]);
  assert.deepEqual([...poly.polygons], [4, 0, 1, 2, 3, 3, 0, 1, 4]);
  assert.equal(poly.polygonsBufferSize, 9);
  assert.ok(poly.cellData instanceof Int32Array);
  assert.deepEqual([...poly.cellData], [20, 10, 30]);
  const back = await m2p.polyDataToMesh(poly);
  assert.ok(back.cells instanceof Uint32Array);
  assert.deepEqual([...back.cells], [0, 1, 4, 4, 4, 0, 1, 2, 3, 2, 3, 0, 1, 4]);
  assert.deepEqual([...back.cellData], [20, 10, 30]);
});

test('volume cells and bad connectivity are typed errors', async () => {
  const tet = mesh();
  tet.cells = new Uint32Array([5, 4, 0, 1, 2, 3]);
  tet.cellBufferSize = 6;
  tet.numberOfCells = 1;
  tet.numberOfCellPixels = 0;
  tet.cellData = null;
  await assert.rejects(m2p.meshToPolyData(tet), (e) => e.code === 'unsupported');
  const poly = await m2p.meshToPolyData(mesh());
  poly.polygons = new Uint32Array([3, 0, 1, 99]);
  poly.polygonsBufferSize = 4;
  await assert.rejects(m2p.polyDataToMesh(poly), (e) => e.code === 'invalid-argument' && /99/.test(e.message));
});
