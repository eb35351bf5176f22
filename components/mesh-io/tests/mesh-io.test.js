// @witk/mesh-io in Node: meshes and point sets in ITK-Wasm's JavaScript shapes (TypedArrays
// of their component types, meshType with camelCase fields, metadata as a Map) written and
// read back, per-format functions' { couldRead, mesh }, typed errors, worker mode.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const meshIo = await import(`${root}build/npm/mesh-io/index.js`);
const dir = mkdtempSync(join(tmpdir(), 'witk-mesh-io-'));

const meshType = {
  dimension: 3,
  pointComponentType: 'float32',
  pointPixelComponentType: 'float32',
  pointPixelType: 'Scalar',
  pointPixelComponents: 1,
  cellComponentType: 'uint32',
  cellPixelComponentType: 'float32',
  cellPixelType: 'Scalar',
  cellPixelComponents: 1,
};

/** Three triangles of a tetrahedron (ITK cell type 2), with a value per point. */
function tetra() {
  return {
    meshType: { ...meshType },
    name: 'tetra',
    numberOfPoints: 4,
    points: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
    numberOfPointPixels: 4,
    pointData: new Float32Array([0.5, 1.5, 2.5, 3.5]),
    numberOfCells: 3,
    cells: new Uint32Array([2, 3, 0, 1, 2, 2, 3, 0, 1, 3, 2, 3, 1, 2, 3]),
    cellBufferSize: 15,
    numberOfCellPixels: 0,
    cellData: null,
    metadata: new Map([['units', 'mm'], ['labels', [1, 2]]]),
  };
}

/** Write a function's output files where they say. */
function save(files) {
  assert.ok(Array.isArray(files) && files.length >= 1);
  for (const f of files) writeFileSync(f.path, f.data);
  return files[0].path;
}

test('writeMesh and readMesh round-trip a mesh through .iwm.cbor, TypedArrays and all', async () => {
  const mesh = tetra();
  const path = save(await meshIo.writeMesh(mesh, join(dir, 'tetra.iwm.cbor')));
  const back = await meshIo.readMesh(path);
  assert.deepEqual(back.meshType, meshType);
  assert.equal(back.name, 'tetra');
  assert.equal(back.numberOfPoints, 4);
  assert.equal(back.numberOfCells, 3);
  assert.equal(back.cellBufferSize, 15);
  assert.ok(back.points instanceof Float32Array);
  assert.ok(back.cells instanceof Uint32Array);
  assert.ok(back.pointData instanceof Float32Array);
  assert.deepEqual(back.points, mesh.points);
  assert.deepEqual(back.cells, mesh.cells);
  assert.deepEqual(back.pointData, mesh.pointData);
  assert.ok(back.metadata instanceof Map);
  assert.deepEqual([...back.metadata], [['units', 'mm'], ['labels', [1, 2]]]);
});

test('other component types come back as their TypedArrays; VTK gives polygons, as ITK does', async () => {
  const mesh = {
    ...tetra(),
    meshType: { ...meshType, pointComponentType: 'float64', pointPixelComponentType: 'int16' },
    points: new Float64Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
    pointData: new Int16Array([-3, 0, 7, 300]),
  };
  for (const ext of ['.vtk', '.ply']) {
    const back = await meshIo.readMesh(save(await meshIo.writeMesh(mesh, join(dir, `typed${ext}`))));
    assert.ok(back.points instanceof Float64Array, ext);
    assert.ok(back.pointData instanceof Int16Array, ext);
    assert.deepEqual(back.points, mesh.points);
    assert.deepEqual(back.pointData, mesh.pointData);
    assert.equal(back.meshType.pointPixelComponentType, 'int16');
    assert.deepEqual(back.cells, new Uint32Array([4, 3, 0, 1, 2, 4, 3, 0, 1, 3, 4, 3, 1, 2, 3]), ext);
  }
});

test('per-format functions give { couldRead, mesh } and { couldWrite, ... }', async () => {
  const written = await meshIo.vtkPolyDataWriteMesh(tetra(), join(dir, 'f.vtk'));
  assert.equal(written.couldWrite, true);
  const path = save(written.serializedMesh);
  const { couldRead, mesh } = await meshIo.vtkPolyDataReadMesh(path);
  assert.equal(couldRead, true);
  assert.ok(mesh.points instanceof Float32Array);
  assert.equal(mesh.numberOfCells, 3);
  assert.deepEqual(await meshIo.stlReadMesh(path), { couldRead: false, mesh: null });
  // From bytes, in a worker.
  const bytes = { path: 'f.vtk', data: written.serializedMesh[0].data };
  const again = await meshIo.readMesh(bytes, { worker: true });
  assert.deepEqual(again.points, mesh.points);
  meshIo.terminate();
});

test('point sets round-trip with their point data', async () => {
  const pointSet = {
    pointSetType: {
      dimension: 3,
      pointComponentType: 'float32',
      pointPixelComponentType: 'float32',
      pointPixelType: 'Scalar',
      pointPixelComponents: 1,
    },
    name: 'PointSet',
    numberOfPoints: 3,
    points: new Float32Array([0, 0, 0, 1, 2, 3, -1, 0.5, 4]),
    numberOfPointPixels: 3,
    pointData: new Float32Array([7, 8, 9]),
    metadata: new Map(),
  };
  for (const ext of ['.vtk', '.iwm.cbor', '.ply']) {
    const back = await meshIo.readPointSet(save(await meshIo.writePointSet(pointSet, join(dir, `p${ext}`))));
    assert.deepEqual(back.pointSetType, pointSet.pointSetType, ext);
    assert.ok(back.points instanceof Float32Array, ext);
    assert.deepEqual(back.points, pointSet.points, ext);
    assert.deepEqual(back.pointData, pointSet.pointData, ext);
  }
});

test('bad meshes and bad files reject with typed errors', async () => {
  const outside = { ...tetra(), cells: new Uint32Array([2, 3, 0, 1, 4]), numberOfCells: 1, cellBufferSize: 5 };
  await assert.rejects(meshIo.writeMesh(outside, join(dir, 'bad.vtk')), (e) => {
    return e instanceof meshIo.WitkError && e.code === 'invalid-argument' && /names point 4/.test(e.detail);
  });
  await assert.rejects(meshIo.writeMesh({ ...tetra(), points: new Float64Array(12) }, join(dir, 'bad.vtk')), {
    code: 'invalid-argument',
  });
  const garbage = { path: 'garbage.vtk', data: new TextEncoder().encode('garbage, not a mesh\n') };
  await assert.rejects(meshIo.readMesh(garbage), { code: 'invalid-data' });
});

test('a GIFTI surface with ExternalFileBinary arrays reads its data files beside it (Node paths)', async () => {
  const coords = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const tris = new Int32Array([0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3]);
  const array = (intent, type, offset) =>
    `<DataArray Intent="NIFTI_INTENT_${intent}" DataType="NIFTI_TYPE_${type}" ArrayIndexingOrder="RowMajorOrder"` +
    ` Dimensionality="2" Dim0="4" Dim1="3" Encoding="ExternalFileBinary" Endian="LittleEndian"` +
    ` ExternalFileName="surf.dat" ExternalFileOffset="${offset}"><Data></Data></DataArray>`;
  const gii = join(dir, 'surf.gii');
  writeFileSync(gii, `<?xml version="1.0"?><GIFTI Version="1.0" NumberOfDataArrays="2">` +
    `${array('POINTSET', 'FLOAT32', 0)}${array('TRIANGLE', 'INT32', 48)}</GIFTI>`);
  writeFileSync(join(dir, 'surf.dat'), Buffer.concat([Buffer.from(coords.buffer), Buffer.from(tris.buffer)]));
  const mesh = await meshIo.readMesh(gii);
  assert.deepEqual(Array.from(mesh.points), Array.from(coords));
  assert.deepEqual(Array.from(mesh.cells), [2, 3, 0, 1, 2, 2, 3, 0, 1, 3, 2, 3, 0, 2, 3, 2, 3, 1, 2, 3]);
  // Bytes alone have no folder: the data file is named in a typed error.
  const bytes = { path: 'surf.gii', data: new Uint8Array(readFileSync(gii)) };
  await assert.rejects(meshIo.readMesh(bytes), (e) => e.code === 'invalid-argument' && /surf\.dat/.test(e.detail));
  // Given as a companion, they read again.
  const data = { path: 'surf.dat', data: new Uint8Array(readFileSync(join(dir, 'surf.dat'))) };
  assert.equal((await meshIo.readMesh(bytes, { companions: [data] })).numberOfCells, 4);
});
