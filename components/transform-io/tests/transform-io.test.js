// @witk/transform-io in Node: transforms in ITK-Wasm's JavaScript shapes (parameters a
// Float64Array or Float32Array of transformType.parametersValueType, fixedParameters a
// Float64Array, transformParameterization 'Euler3D', metadata a Map) written and read back
// through every format, composite lists, per-format functions' { couldRead, transform },
// typed errors, worker mode.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const transformIo = await import(`${root}build/npm/transform-io/index.js`);
const dir = mkdtempSync(join(tmpdir(), 'witk-transform-io-'));

const eulerParameters = [0.1, 0.2, 0.3, 4, 5, 6];
const eulerFixed = [1, 2, 3, 0];

function transformType(transformParameterization, parametersValueType = 'float64') {
  return { transformParameterization, parametersValueType, inputDimension: 3, outputDimension: 3 };
}

function euler(parametersValueType = 'float64') {
  const Parameters = parametersValueType === 'float32' ? Float32Array : Float64Array;
  return {
    transformType: transformType('Euler3D', parametersValueType),
    numberOfFixedParameters: 4,
    numberOfParameters: 6,
    name: 'Transform',
    inputSpaceName: '',
    outputSpaceName: '',
    fixedParameters: new Float64Array(eulerFixed),
    parameters: new Parameters(eulerParameters),
    metadata: new Map(),
  };
}

function affine() {
  return {
    ...euler(),
    transformType: transformType('Affine'),
    numberOfFixedParameters: 3,
    numberOfParameters: 12,
    fixedParameters: new Float64Array([0.5, 0.5, 0.5]),
    parameters: new Float64Array([1, 0.1, 0, 0, 1, 0, 0, 0.2, 1, 1, 2, 3]),
  };
}

/** ITK-Wasm's composite: the composite first, without parameters, then its transforms. */
function composite() {
  const head = {
    ...euler(),
    transformType: transformType('Composite'),
    numberOfFixedParameters: 0,
    numberOfParameters: 0,
    fixedParameters: new Float64Array(0),
    parameters: new Float64Array(0),
  };
  return [head, euler(), affine()];
}

/** Write a function's output files where they say. */
function save(files) {
  assert.ok(Array.isArray(files) && files.length >= 1);
  for (const f of files) writeFileSync(f.path, f.data);
  return files[0].path;
}

function assertEuler(t, Parameters = Float64Array) {
  assert.equal(t.transformType.transformParameterization, 'Euler3D');
  assert.equal(t.transformType.parametersValueType, Parameters === Float32Array ? 'float32' : 'float64');
  assert.equal(t.transformType.inputDimension, 3);
  assert.equal(t.numberOfParameters, 6);
  assert.equal(t.numberOfFixedParameters, 4);
  assert.ok(t.parameters instanceof Parameters, t.parameters.constructor.name);
  assert.ok(t.fixedParameters instanceof Float64Array);
  assert.deepEqual(t.parameters, new Parameters(eulerParameters));
  assert.deepEqual(t.fixedParameters, new Float64Array(eulerFixed));
  assert.ok(t.metadata instanceof Map);
}

test('writeTransform and readTransform round-trip an Euler3D transform through every format', async () => {
  for (const ext of ['.tfm', '.h5', '.mat', '.iwt.cbor', '.iwt.cbor.zst']) {
    const path = save(await transformIo.writeTransform([euler()], join(dir, `e${ext}`)));
    const back = await transformIo.readTransform(path);
    assert.ok(Array.isArray(back) && back.length === 1, ext);
    assertEuler(back[0]);
  }
});

test('float32 parameters come back as a Float32Array with floatParameters', async () => {
  for (const ext of ['.tfm', '.h5', '.iwt.cbor']) {
    const files = await transformIo.writeTransform([euler('float32')], join(dir, `f${ext}`), { floatParameters: true });
    const back = await transformIo.readTransform(save(files), { floatParameters: true });
    assertEuler(back[0], Float32Array);
  }
  const text = await transformIo.writeTransform([euler('float32')], join(dir, 'f.txt'), { floatParameters: true });
  assert.match(new TextDecoder().decode(text[0].data), /Euler3DTransform_float_3_3/);
});

test('composite transform lists keep their order', async () => {
  for (const ext of ['.tfm', '.h5', '.iwt.cbor']) {
    const back = await transformIo.readTransform(save(await transformIo.writeTransform(composite(), join(dir, `c${ext}`))));
    assert.deepEqual(
      back.map((t) => t.transformType.transformParameterization),
      ['Composite', 'Euler3D', 'Affine'],
      ext,
    );
    assert.ok(back[0].parameters instanceof Float64Array && back[0].parameters.length === 0);
    assertEuler(back[1]);
    assert.deepEqual(back[2].parameters, affine().parameters);
  }
});

test('per-format functions give { couldRead, transform } and { couldWrite, serializedTransform }', async () => {
  const written = await transformIo.hdf5WriteTransform(composite(), join(dir, 'p.h5'));
  assert.equal(written.couldWrite, true);
  const path = save(written.serializedTransform);
  const { couldRead, transform } = await transformIo.hdf5ReadTransform(path);
  assert.equal(couldRead, true);
  assert.equal(transform.length, 3);
  assertEuler(transform[1]);
  assert.deepEqual(await transformIo.txtReadTransform(path), { couldRead: false, transform: null });
  // From bytes, in a worker.
  const bytes = { path: 'p.h5', data: written.serializedTransform[0].data };
  const again = await transformIo.readTransform(bytes, { worker: true });
  assert.deepEqual(again[2].parameters, transform[2].parameters);
  transformIo.terminate();
});

test('bad transforms and bad files reject with typed errors', async () => {
  await assert.rejects(transformIo.writeTransform([{ ...euler(), numberOfParameters: 5 }], join(dir, 'bad.tfm')), (e) => {
    return e instanceof transformIo.WitkError && e.code === 'invalid-argument' && /numberOfParameters/.test(e.detail);
  });
  await assert.rejects(transformIo.writeTransform([], join(dir, 'bad.tfm')), { code: 'invalid-argument' });
  await assert.rejects(transformIo.writeTransform(composite(), join(dir, 'bad.mat')), { code: 'unsupported' });
  // A parameterization ITK-Wasm does not name is the caller's TypeError.
  const euler4d = { ...euler(), transformType: transformType('Euler4D') };
  await assert.rejects(transformIo.writeTransform([euler4d], join(dir, 'bad.tfm')), TypeError);
  const garbage = { path: 'garbage.tfm', data: new TextEncoder().encode('garbage, not a transform\n') };
  await assert.rejects(transformIo.readTransform(garbage), { code: 'invalid-data' });
});
