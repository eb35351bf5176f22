// @witk/image-io in Node: every format written and read back (component types, 2-D and
// 3-D, scalar and 3-component, oblique geometry), the sample volume's header values, the
// per-format functions, files from paths (detached headers and their companions, written
// with writeFiles), typed errors naming the file, worker mode with transferred buffers,
// and the runtime's type-driven conversions (no per-element copies of pixel data).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as io from '../../../build/npm/image-io/index.js';
import { lower, lift, transferables } from '../runtime/witk-runtime.js';
import { root } from './vectors.js';

const PHANTOM = `${root}data/phantom.nrrd`;
const ARRAYS = { uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array };

/** A small image with non-trivial values, spacing, origin and (unless `axisAligned`) direction. */
function makeImage(componentType, dimension, components, { axisAligned = false } = {}) {
  const size = dimension === 2 ? [5, 4] : [5, 4, 3];
  const n = size.reduce((a, b) => a * b) * components;
  const data = new ARRAYS[componentType](n);
  for (let i = 0; i < n; i++) {
    data[i] = componentType.startsWith('float')
      ? i * 0.5 - 7.25
      : componentType === 'int16'
        ? ((i * 37) % 500) - 250
        : (i * 7) % 250;
  }
  const [c, s] = [Math.cos(0.3), Math.sin(0.3)];
  const rotation = dimension === 2 ? [c, -s, s, c] : [c, -s, 0, s, c, 0, 0, 0, 1];
  const identity = dimension === 2 ? [1, 0, 0, 1] : [1, 0, 0, 0, 1, 0, 0, 0, 1];
  return {
    imageType: {
      dimension,
      componentType,
      pixelType: components === 1 ? 'Scalar' : componentType === 'uint8' ? 'RGB' : 'Vector',
      components,
    },
    name: 'test image',
    origin: [1.5, -2.25, 10].slice(0, dimension),
    spacing: [0.5, 1.25, 2].slice(0, dimension),
    direction: new Float64Array(axisAligned ? identity : rotation),
    size,
    metadata: new Map(),
    data,
  };
}

function cases() {
  const out = [];
  for (const componentType of Object.keys(ARRAYS)) {
    for (const dimension of [2, 3]) for (const components of [1, 3]) out.push([componentType, dimension, components]);
  }
  return out;
}

const close = (a, b, tol, what) => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

// What each format keeps: NRRD and .witk everything; MetaImage and VTK do not say what
// several components mean (they read back as VariableLengthVector); VTK legacy has no
// direction; NIfTI stores its affine as float32.
const FORMATS = {
  '.nrrd': { files: 1 },
  '.nhdr': { files: 2 },
  '.witk': { files: 1 },
  '.mha': { files: 1, vectorAs: 'VariableLengthVector' },
  '.vtk': { files: 1, vectorAs: 'VariableLengthVector', axisAligned: true },
  '.nii.gz': { files: 1, tolerance: 1e-6 },
};

for (const [ext, format] of Object.entries(FORMATS)) {
  test(`round trip through ${ext}: uint8, int16, uint16, float32, float64; 2-D and 3-D; 1 and 3 components`, async () => {
    for (const [componentType, dimension, components] of cases()) {
      const what = `${ext} ${componentType} ${dimension}-D ${components}c`;
      const image = makeImage(componentType, dimension, components, { axisAligned: format.axisAligned });
      const files = await io.writeImage(image, `image${ext}`);
      assert.equal(files.length, format.files, `${what}: files`);
      assert.equal(files[0].path, `image${ext}`);
      assert.ok(files.every((f) => f.data instanceof Uint8Array && f.data.length > 0));
      const [main, ...companions] = files;
      const back = await io.readImage(main, { companions });

      assert.equal(back.data.constructor, image.data.constructor, `${what}: pixel array type`);
      assert.deepEqual(back.data, image.data, `${what}: pixels`);
      assert.equal(back.imageType.componentType, componentType);
      assert.equal(back.imageType.components, components);
      const pixelType = components > 1 && format.vectorAs ? format.vectorAs : image.imageType.pixelType;
      assert.equal(back.imageType.pixelType, pixelType, `${what}: pixel type`);
      // NIfTI keeps several components in its 5th dimension: a 2-D vector image reads back
      // with a third axis of one slice.
      const extra = back.imageType.dimension - dimension;
      assert.ok(extra === 0 || (ext === '.nii.gz' && components > 1 && dimension === 2 && extra === 1), what);
      assert.deepEqual(back.size, [...image.size, ...Array(extra).fill(1)], `${what}: size`);
      assert.ok(Array.isArray(back.origin) && Array.isArray(back.spacing) && Array.isArray(back.size));
      assert.ok(back.direction instanceof Float64Array);
      assert.ok(back.metadata instanceof Map);
      const d = back.imageType.dimension;
      const direction = Array.from({ length: d * d }, (_, k) => {
        const [r, c] = [Math.floor(k / d), k % d];
        return r < dimension && c < dimension ? image.direction[r * dimension + c] : r === c ? 1 : 0;
      });
      if (format.tolerance) {
        close(back.origin.slice(0, dimension), image.origin, format.tolerance, `${what}: origin`);
        close(back.spacing.slice(0, dimension), image.spacing, format.tolerance, `${what}: spacing`);
        close(back.direction, direction, format.tolerance, `${what}: direction`);
      } else {
        assert.deepEqual(back.origin, image.origin, `${what}: origin`);
        assert.deepEqual(back.spacing, image.spacing, `${what}: spacing`);
        assert.deepEqual([...back.direction], direction, `${what}: direction`);
      }
    }
  });
}

test('.witk keeps the whole model: name and JSON metadata', async () => {
  const image = makeImage('float32', 3, 1);
  image.metadata = new Map([
    ['modality', 'CT'],
    ['window', [40, 400]],
    ['nested', { a: 1, b: [true, null] }],
  ]);
  const [file] = await io.writeImage(image, 'model.witk', { useCompression: true });
  const back = await io.readImage(file);
  assert.equal(back.name, 'test image');
  assert.deepEqual([...back.metadata], [...image.metadata]);
});

test('.nhdr: a detached header and its pixel file, with and without compression', async () => {
  const image = makeImage('int16', 3, 1);
  const plain = await io.writeImage(image, 'detached.nhdr');
  assert.deepEqual(
    plain.map((f) => f.path),
    ['detached.nhdr', 'detached.raw'],
  );
  const gz = await io.imwrite(image, 'detached.nhdr', { useCompression: true });
  assert.deepEqual(
    gz.map((f) => f.path),
    ['detached.nhdr', 'detached.raw.gz'],
  );
  assert.match(new TextDecoder().decode(gz[0].data), /^NRRD000\d\n/);
  assert.deepEqual(await io.companionFiles(gz[0]), ['detached.raw.gz']);
  // Without its pixel file the header cannot be read, and the error says so.
  await assert.rejects(io.readImage(gz[0]), (e) => e instanceof io.WitkError && /detached\.nhdr/.test(e.message));
  const back = await io.imread(gz[0], { companions: [gz[1]] });
  assert.deepEqual(back.data, image.data);
});

/** The header fields of an NRRD file, parsed from its first 400 bytes (as `head -c 400` shows). */
function nrrdHeader(path) {
  const text = readFileSync(path).subarray(0, 400).toString('latin1');
  const fields = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z ]+): (.*)$/.exec(line);
    if (m) fields[m[1]] = m[2];
  }
  const vectors = (s) => [...s.matchAll(/\(([^)]*)\)/g)].map((v) => v[1].split(',').map(Number));
  return {
    type: fields.type,
    dimension: Number(fields.dimension),
    sizes: fields.sizes.split(' ').map(Number),
    directions: vectors(fields['space directions']),
    origin: vectors(fields['space origin'])[0],
    space: fields.space,
  };
}

test('data/phantom.nrrd: type and geometry as its header says', async () => {
  const h = nrrdHeader(PHANTOM);
  assert.equal(h.space, 'left-posterior-superior');
  const image = await io.readImage(PHANTOM);
  assert.deepEqual(image.imageType, { dimension: h.dimension, componentType: h.type, pixelType: 'Scalar', components: 1 });
  assert.deepEqual(image.size, h.sizes);
  assert.deepEqual(image.origin, h.origin);
  const spacing = h.directions.map((v) => Math.hypot(...v));
  assert.deepEqual(image.spacing, spacing);
  // ITK's direction: column j is axis j's unit vector, stored row-major.
  const d = h.dimension;
  const direction = Array.from({ length: d * d }, (_, k) => h.directions[k % d][Math.floor(k / d)] / spacing[k % d]);
  assert.deepEqual([...image.direction], direction);
  assert.ok(image.data instanceof Uint8Array);
  assert.equal(image.data.length, h.sizes.reduce((a, b) => a * b));
  assert.equal(image.data.byteLength, image.data.buffer.byteLength, 'the pixels own their buffer (one copy out of wasm)');
  const bytes = readFileSync(PHANTOM);
  assert.deepEqual(image.data, new Uint8Array(bytes.subarray(bytes.length - image.data.length)), 'raw pixels');
  assert.deepEqual(image.bufferedRegion, { index: [0, 0, 0], size: h.sizes });

  const info = await io.readImage(PHANTOM, { informationOnly: true });
  assert.equal(info.data, null);
  assert.deepEqual(info.size, h.sizes);
  const cast = await io.readImage(PHANTOM, { componentType: 'float32' });
  assert.ok(cast.data instanceof Float32Array);
  assert.deepEqual(Array.from(cast.data.subarray(0, 4096)), Array.from(image.data.subarray(0, 4096)));
});

test('per-format functions: could read / could write, as in ITK-Wasm', async () => {
  assert.deepEqual(await io.pngReadImage(PHANTOM), { couldRead: false, image: null });
  const r = await io.nrrdReadImage(PHANTOM);
  assert.equal(r.couldRead, true);
  assert.deepEqual(r.image.size, [64, 64, 64]);
  assert.deepEqual((await io.metaReadImage(PHANTOM)).couldRead, false);
  const w = await io.nrrdWriteImage(r.image, 'p.nrrd');
  assert.equal(w.couldWrite, true);
  assert.equal(w.serializedImage.length, 1);
  const again = await io.nrrdReadImage(w.serializedImage[0], { informationOnly: true });
  assert.equal(again.couldRead, true);
  assert.equal(again.image.data, null);
  // PNG holds 2-D 8/16-bit images only; JPEG is never written.
  const f64 = makeImage('float64', 3, 1);
  assert.deepEqual(await io.pngWriteImage(f64, 'p.png'), { couldWrite: false, serializedImage: [] });
  assert.deepEqual(await io.jpegWriteImage(makeImage('uint8', 2, 1), 'p.jpg'), { couldWrite: false, serializedImage: [] });
  const png = await io.pngWriteImage(makeImage('uint8', 2, 1, { axisAligned: true }), 'p.png');
  assert.equal(png.couldWrite, true);
  assert.equal((await io.pngReadImage(png.serializedImage[0])).couldRead, true);
});

test('Node paths: companions read beside the header; writeFiles writes next to the given path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'witk-image-io-'));
  try {
    const image = makeImage('uint16', 3, 3);
    const target = join(dir, 'volume.nhdr');
    const files = await io.writeImage(image, target, { useCompression: true, writeFiles: true });
    assert.deepEqual(
      files.map((f) => f.path),
      [target, join(dir, 'volume.raw.gz')],
    );
    assert.deepEqual(readdirSync(dir).sort(), ['volume.nhdr', 'volume.raw.gz']);
    assert.deepEqual(new Uint8Array(readFileSync(target)), files[0].data);
    assert.deepEqual(await io.companionFiles(target), ['volume.raw.gz']);
    const back = await io.readImage(target);
    assert.deepEqual(back.data, image.data);
    assert.deepEqual((await io.readImage(new URL(`file://${target}`))).data, image.data);
    // Companions given explicitly, as paths.
    assert.deepEqual((await io.readImage(target, { companions: [join(dir, 'volume.raw.gz')] })).data, image.data);
    // Per-format writers write what they could.
    const w = await io.metaWriteImage(image, join(dir, 'volume.mha'), { writeFiles: true });
    assert.equal(w.couldWrite, true);
    assert.deepEqual((await io.metaReadImage(join(dir, 'volume.mha'))).image.data, image.data);
    // Larger than the header prefix companionFiles gets; MetaImage's detached pair; in workers.
    const big = { ...makeImage('uint16', 3, 1), size: [128, 128, 64], data: new Uint16Array(128 * 128 * 64).map((_, i) => i) };
    await io.writeImage(big, join(dir, 'big.nrrd'), { writeFiles: true });
    await io.writeImage(big, join(dir, 'big.mhd'), { writeFiles: true, useCompression: true });
    assert.deepEqual(await io.companionFiles(join(dir, 'big.mhd')), ['big.zraw']);
    for (const name of ['big.nrrd', 'big.mhd']) {
      assert.deepEqual((await io.readImage(join(dir, name))).data, big.data, name);
      assert.deepEqual((await io.readImage(join(dir, name), { worker: true })).data, big.data, `${name} in a worker`);
    }
    io.terminate();
    // A missing companion is named.
    rmSync(join(dir, 'volume.raw.gz'));
    await assert.rejects(io.readImage(target), (e) => e.code === 'ENOENT' && /volume\.nhdr needs volume\.raw\.gz/.test(e.message));
    await assert.rejects(io.readImage(join(dir, 'absent.nrrd')), { code: 'ENOENT' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('inputs: Blob/File with a name, { path, data } with any bytes; bad inputs throw TypeError', async () => {
  const bytes = readFileSync(PHANTOM);
  const fromFile = await io.readImage(new File([bytes], 'phantom.nrrd'));
  const fromBlob = await io.readImage(Object.assign(new Blob([bytes]), { name: 'phantom.nrrd' }));
  const fromBuffer = await io.readImage({ path: 'phantom.nrrd', data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) });
  assert.deepEqual(fromFile.data, fromBlob.data);
  assert.deepEqual(fromFile.data, fromBuffer.data);
  await assert.rejects(io.readImage(42), TypeError);
  await assert.rejects(io.readImage(PHANTOM, { informationonly: true }), /unknown option informationonly/);
  await assert.rejects(io.readImage(PHANTOM, { componentType: 'float16' }), /expected a component-type/);
  await assert.rejects(io.writeImage({ ...fromFile, data: [1, 2, 3] }, 'x.nrrd'), /data: expected a TypedArray/);
  await assert.rejects(io.writeImage({ ...fromFile, origin: undefined }, 'x.nrrd'), /image has no origin/);
  await assert.rejects(io.writeImage(fromFile, 'x.nrrd', { writeFiles: 'yes', useCompression: 1 }), /useCompression: expected a boolean/);
  // Plain arrays, ITK-Wasm spellings or WIT's, itk-wasm images without bufferedRegion or metadata.
  const { bufferedRegion, metadata, ...itkWasmImage } = fromFile;
  assert.ok(bufferedRegion && metadata);
  const files = await io.writeImage(
    { ...itkWasmImage, imageType: { ...fromFile.imageType, pixelType: 'scalar' }, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    'x.nrrd',
  );
  assert.deepEqual((await io.readImage(files[0])).data, fromFile.data);
});

test('bad files reject with WitkError naming the file; the pipeline keeps working', async () => {
  const bytes = readFileSync(PHANTOM);
  const dir = mkdtempSync(join(tmpdir(), 'witk-image-io-'));
  try {
    writeFileSync(join(dir, 'truncated.nrrd'), bytes.subarray(0, 1000));
    await assert.rejects(io.readImage(join(dir, 'truncated.nrrd')), (e) => {
      assert.ok(e instanceof io.WitkError);
      assert.equal(e.code, 'invalid-data');
      assert.equal(e.function, 'readImage');
      assert.match(e.message, /truncated\.nrrd/);
      assert.match(e.detail, /truncated/);
      return true;
    });
    const noise = Uint8Array.from({ length: 300 }, (_, i) => (i * 73 + 11) & 0xff);
    await assert.rejects(io.readImage({ path: 'nonsense.bin', data: noise }), (e) => {
      return e instanceof io.WitkError && e.code === 'unsupported' && /nonsense\.bin/.test(e.message);
    });
    await assert.rejects(io.readImage({ path: 'nonsense.nrrd', data: noise }), (e) => {
      return e instanceof io.WitkError && e.code === 'invalid-data' && /nonsense\.nrrd/.test(e.message);
    });
    await assert.rejects(io.nrrdReadImage({ path: 'cut.nrrd', data: bytes.subarray(0, 200) }), { code: 'invalid-data' });
    const image = await io.readImage(PHANTOM);
    await assert.rejects(io.writeImage({ ...image, size: [64, 64] }, 'x.nrrd'), { code: 'invalid-argument' });
    await assert.rejects(io.writeImage({ ...image, data: new Float32Array(image.data.length) }, 'x.nrrd'), {
      code: 'invalid-argument',
    });
    await assert.rejects(io.writeImage(image, 'x.unknown'), { code: 'unsupported' });
    // VTK legacy files cannot hold a direction.
    await assert.rejects(io.writeImage(makeImage('uint8', 3, 1), 'oblique.vtk'), (e) => e instanceof io.WitkError);
    const again = await io.readImage(PHANTOM);
    assert.deepEqual(again.data, image.data);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('worker mode: same results, buffers transferred both ways, errors typed', async () => {
  io.configure({ workers: 2 });
  const direct = await io.readImage(PHANTOM);
  const viaWorker = await io.readImage(PHANTOM, { worker: true });
  assert.deepEqual(viaWorker, direct);
  assert.equal(viaWorker.data.byteLength, viaWorker.data.buffer.byteLength);

  const image = makeImage('float32', 3, 3);
  const expected = await io.writeImage(image, 'w.nhdr');
  const copy = { ...image, data: image.data.slice() };
  const files = await io.writeImage(copy, 'w.nhdr', { worker: true, transfer: true });
  assert.equal(copy.data.byteLength, 0, 'the transferred pixels are detached');
  assert.deepEqual(files, expected);
  const back = await io.readImage(files[0], { companions: [files[1]], worker: true, transfer: true });
  assert.equal(files[0].data.byteLength, 0, 'the transferred file is detached');
  assert.deepEqual(back.data, image.data);

  const per = await io.vtkReadImage(PHANTOM, { worker: true });
  assert.equal(per.couldRead, false);
  await assert.rejects(io.readImage({ path: 'bad.nrrd', data: new Uint8Array(64) }, { worker: true }), {
    code: 'invalid-data',
  });
  assert.deepEqual((await io.readImage(PHANTOM, { worker: true })).size, [64, 64, 64]);
  io.terminate();
});

test('runtime: pixel data passes through lower and lift by reference', () => {
  const buffer = {
    variant: 'buffer',
    typedArray: true,
    cases: [
      ['uint8', 'bytes'],
      ['float32', { typed: 'f32' }],
      ['uint64', { typed: 'u64' }],
    ],
  };
  const f32 = new Float32Array(1 << 20);
  const lowered = lower(buffer, f32, 'data');
  assert.equal(lowered.tag, 'float32');
  assert.equal(lowered.val, f32, 'no copy on the way in');
  assert.equal(lift(buffer, lowered), f32, 'no copy on the way out');
  assert.equal(lower(buffer, Buffer.from([1, 2])).tag, 'uint8');
  assert.equal(lower(buffer, new BigUint64Array(2)).tag, 'uint64');
  assert.throws(() => lower(buffer, new Int16Array(2), 'data'), /data: expected a TypedArray or \{ tag, val \}/);
  assert.deepEqual(lower({ typed: 'u64', array: true }, [64, 32], 'size'), new BigUint64Array([64n, 32n]));
  assert.deepEqual(lift({ typed: 'u64', array: true }, new BigUint64Array([64n, 32n])), [64, 32]);
  const metadata = { map: 'string', json: true };
  assert.deepEqual(lower(metadata, new Map([['a', [1]], ['b', 'text']])), [
    ['a', '[1]'],
    ['b', 'text'],
  ]);
  assert.deepEqual([...lift(metadata, [['a', '[1]'], ['b', 'text']])], [
    ['a', [1]],
    ['b', 'text'],
  ]);
  // Only buffers a view covers entirely are transferred.
  const whole = new Uint8Array(8);
  const part = new Uint8Array(new ArrayBuffer(16), 4, 8);
  assert.deepEqual([...transferables({ a: [whole, part], b: new Map([['x', whole]]) })], [whole.buffer]);
});

test('a 128 MiB float32 volume: write and read .witk (timings printed)', async () => {
  const size = [512, 512, 128];
  const data = new Float32Array(size[0] * size[1] * size[2]);
  for (let i = 0; i < data.length; i += 997) data[i] = i;
  const image = { ...makeImage('float32', 3, 1), size, data };
  let t = performance.now();
  const [file] = await io.writeImage(image, 'big.witk');
  const write = performance.now() - t;
  t = performance.now();
  const back = await io.readImage(file);
  const read = performance.now() - t;
  console.log(`128 MiB float32 .witk: write ${write.toFixed(0)} ms, read ${read.toFixed(0)} ms`);
  assert.equal(Buffer.compare(Buffer.from(back.data.buffer), Buffer.from(data.buffer)), 0);
});
