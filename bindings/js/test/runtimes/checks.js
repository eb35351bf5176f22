// The same calls on every npm package in any JavaScript environment (Node, Bun, Deno,
// Chromium, Firefox, WebKit): `runChecks` returns { case: digest } (sha256 of the result's
// bytes, or "error:<code>"), so the tests can require every environment to give exactly
// Node's answers (and Node's are checked against the Rust host by the other tests).
// Covers every compress-stringify conformance vector, image-io reads and writes of the
// bundled phantom in several formats, downsample, compare-images, mesh-io round trips,
// transform-io, mesh-to-poly-data, dicom, typed errors and worker mode.
//
// `env`: { load(name) -> the npm package's module, readFile(path from the repository
// root) -> Uint8Array, sha256(Uint8Array) -> hex string }.
export async function runChecks({ load, readFile, sha256 }) {
  const out = {};

  function bytesOf(v) {
    if (v instanceof Uint8Array) return v;
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    const views = [];
    const text = JSON.stringify(v, (_, x) => {
      if (typeof x === 'bigint') return `${x}n`;
      if (x instanceof Map) return Object.fromEntries(x);
      if (ArrayBuffer.isView(x)) {
        views.push(bytesOf(x));
        return `${x.constructor.name}#${views.length - 1}`;
      }
      return x;
    });
    const parts = [new TextEncoder().encode(text), ...views];
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  }

  async function record(name, f) {
    try {
      out[name] = (await sha256(bytesOf(await f()))).slice(0, 24);
    } catch (e) {
      out[name] = `error:${e?.code ?? e?.message ?? e}`;
    }
  }

  const inputs = { 'data/phantom.nrrd': await readFile('data/phantom.nrrd') };
  const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  const options = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k.replaceAll('_', '-')), v]));
  const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
  function materialize(input) {
    if ('hex' in input) return hex(input.hex);
    if ('text' in input) return new TextEncoder().encode(input.text);
    if ('file' in input) return inputs[input.file];
    if ('pattern' in input) return new Uint8Array(input.pattern.count).fill(input.pattern.byte);
    if ('ramp' in input) return Uint8Array.from({ length: input.ramp }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
    throw new Error(`unknown input ${JSON.stringify(input)}`);
  }

  // compress-stringify: every conformance vector, on this thread and in a worker.
  const cs = await load('compress-stringify');
  const vectors = await readFile('components/compress-stringify/vectors/compress-stringify.json');
  const { cases } = JSON.parse(new TextDecoder().decode(vectors));
  for (const c of cases) {
    await record(`compress-stringify ${c.name}`, () => cs[camel(c.function)](materialize(c.input), options(c.options)));
  }
  await record('compress-stringify worker', () => cs.compressStringify(new Uint8Array(1 << 20).fill(7), { worker: true }));

  // image-io: the phantom read from its bytes, written in several formats and read back.
  const io = await load('image-io');
  const phantom = { path: 'phantom.nrrd', data: inputs['data/phantom.nrrd'] };
  const image = await io.readImage(phantom);
  await record('image-io read nrrd', () => image);
  for (const ext of ['.nii.gz', '.mha', '.iwi.cbor', '.witk', '.vtk', '.nrrd']) {
    await record(`image-io write ${ext}`, async () => {
      const files = await io.writeImage(image, `phantom${ext}`, { useCompression: ext !== '.vtk' });
      const back = await io.readImage(files[0]);
      return [files.map((f) => f.data.length), back.data, back.spacing, back.origin];
    });
  }
  await record('image-io worker', () => io.readImage(phantom, { worker: true }));
  await record('image-io error', () => io.readImage({ path: 'bad.nrrd', data: new TextEncoder().encode('NRRD0004\nnonsense') }));

  // downsample and compare-images on it.
  const ds = await load('downsample');
  await record('downsample gaussian', () => ds.downsample(image, [2, 2, 2]));
  await record('downsample bin-shrink', () => ds.downsampleBinShrink(image, [2, 3, 2]));
  await record('downsample label', () => ds.downsampleLabelImage(image, [2, 2, 2]));
  await record('downsample error', () => ds.downsample(image, [0, 2, 2]));
  const ci = await load('compare-images');
  const shifted = { ...image, data: image.data.map((v, i) => (i % 97 === 0 ? v + 3 : v)) };
  await record('compare-images', () => ci.compareImages(shifted, [image], { differenceThreshold: 1 }));

  // mesh-io, mesh-to-poly-data and transform-io.
  const meshIo = await load('mesh-io');
  const mesh = {
    meshType: { dimension: 3, pointComponentType: 'float32', pointPixelComponentType: 'float32', pointPixelType: 'Scalar',
      pointPixelComponents: 1, cellComponentType: 'uint32', cellPixelComponentType: 'float32', cellPixelType: 'Scalar', cellPixelComponents: 1 },
    name: 'tetra', numberOfPoints: 4, points: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
    numberOfPointPixels: 4, pointData: new Float32Array([0.5, 1.5, 2.5, 3.5]), numberOfCells: 3,
    cells: new Uint32Array([2, 3, 0, 1, 2, 2, 3, 0, 1, 3, 2, 3, 1, 2, 3]), cellBufferSize: 15,
    numberOfCellPixels: 0, cellData: null, metadata: new Map(),
  };
  for (const ext of ['.vtk', '.stl', '.obj', '.off', '.iwm.cbor', '.ply']) {
    await record(`mesh-io ${ext}`, async () => {
      const files = await meshIo.writeMesh(mesh, `tetra${ext}`);
      const back = await meshIo.readMesh(files[0]);
      return [files[0].data.length, back.points, back.cells, back.numberOfPoints];
    });
  }
  const m2p = await load('mesh-to-poly-data');
  await record('mesh-to-poly-data', () => m2p.meshToPolyData(mesh));
  const tio = await load('transform-io');
  await record('transform-io', async () => {
    const list = [{ transformType: { transformParameterization: 'Affine', parametersValueType: 'float64', inputDimension: 3, outputDimension: 3 },
      numberOfFixedParameters: 3, numberOfParameters: 12, name: 'affine', inputSpaceName: '', outputSpaceName: '',
      parameters: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 5, 6, 7]), fixedParameters: new Float64Array([0, 0, 0]) }];
    const files = await tio.writeTransform(list, 'affine.tfm');
    return (await tio.readTransform(files[0])).map((t) => [t.parameters, t.fixedParameters]);
  });

  // dicom: tags of a file made here (a minimal explicit-VR little-endian dataset).
  const dicom = await load('dicom');
  await record('dicom error', () => dicom.readDicomTags({ path: 'x.dcm', data: new Uint8Array(200) }));


  for (const m of [cs, io]) m.terminate?.();
  return out;
}
