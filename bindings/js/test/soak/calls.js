// One small call per npm package, for the soak tests (test/soak.test.js and the leak
// measurement it runs in a child process, test/soak/leaks.mjs).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const root = new URL('../../../../', import.meta.url).pathname;
const load = (name) => import(`${root}build/npm/${name}/index.js`);

function digest(v) {
  const h = createHash('sha256');
  h.update(
    JSON.stringify(v, (_, x) => {
      if (typeof x === 'bigint') return `${x}n`;
      if (x instanceof Map) return Object.fromEntries(x);
      if (ArrayBuffer.isView(x)) return `${x.constructor.name}:${Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex')}`;
      return x;
    }),
  );
  return h.digest('hex').slice(0, 16);
}

const points = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
const MESH = {
  meshType: { dimension: 3, pointComponentType: 'float32', pointPixelComponentType: 'float32', pointPixelType: 'Scalar',
    pointPixelComponents: 1, cellComponentType: 'uint32', cellPixelComponentType: 'float32', cellPixelType: 'Scalar', cellPixelComponents: 1 },
  name: 'tetra', numberOfPoints: 4, points, numberOfPointPixels: 0, pointData: null, numberOfCells: 2,
  cells: new Uint32Array([2, 3, 0, 1, 2, 2, 3, 0, 1, 3]), cellBufferSize: 10, numberOfCellPixels: 0, cellData: null, metadata: new Map(),
};
const AFFINE = [{ transformType: { transformParameterization: 'Affine', parametersValueType: 'float64', inputDimension: 3, outputDimension: 3 },
  numberOfFixedParameters: 3, numberOfParameters: 12, name: 'affine', inputSpaceName: '', outputSpaceName: '',
  parameters: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 5, 6, 7]), fixedParameters: new Float64Array([0, 0, 0]) }];

/** name -> (i, options) => Promise<digest>: one small call per package, varying with i. */
export async function smallCalls() {
  const [cs, io, ds, ci, meshIo, m2p, cm, tio, dicom] = await Promise.all(
    ['compress-stringify', 'image-io', 'downsample', 'compare-images', 'mesh-io', 'mesh-to-poly-data', 'compare-meshes',
      'transform-io', 'dicom'].map(load),
  );
  const image = await io.readImage({ path: 'in.nrrd', data: (await io.writeImage(await tiny(io, 5), 'in.nrrd'))[0].data });
  const meshFile = (await meshIo.writeMesh(MESH, 'in.vtk'))[0];
  const transformFile = (await tio.writeTransform(AFFINE, 'in.tfm'))[0];
  const dicomFile = { path: 'ct.dcm', data: readFileSync(process.env.WITK_CT_DCM ?? ctPath()) };
  return {
    packages: [cs, io, ds, ci, meshIo, m2p, cm, tio, dicom],
    calls: {
      'compress-stringify': async (i, o) =>
        digest(await cs.parseStringDecompress(await cs.compressStringify(u32(i), { stringify: true, ...o }), { parseString: true, ...o })),
      'image-io': async (i, o) => {
        const files = await io.writeImage(await tiny(io, i % 251), 'x.mha', o);
        return digest((await io.readImage(files[0], o)).data);
      },
      downsample: async (i, o) => digest((await ds.downsample(image, [2, 1 + (i % 2)], o)).data),
      'compare-images': async (i, o) => digest([(await ci.compareImages(image, [image], o))[0], i % 2]),
      'mesh-io': async (i, o) => digest([(await meshIo.readMesh(meshFile, o)).points, i % 2]),
      'mesh-to-poly-data': async (i, o) => digest([(await m2p.meshToPolyData(MESH, o)).polygons, i % 2]),
      'compare-meshes': async (i, o) => digest([(await cm.compareMeshes(MESH, [MESH], o)).metrics, i % 2]),
      'transform-io': async (i, o) => digest([(await tio.readTransform(transformFile, o)).map((t) => t.parameters), i % 2]),
      dicom: async (i, o) => digest([await dicom.readDicomTags(dicomFile, { tagsToRead: ['0008|0060', '0028|0010'], ...o }), i % 2]),
    },
  };
}

function u32(i) {
  return new Uint8Array(new Uint32Array(8).fill(i).buffer);
}

async function tiny(io, value) {
  return {
    imageType: { dimension: 2, componentType: 'uint8', pixelType: 'Scalar', components: 1 },
    name: 'tiny', origin: [0, 0], spacing: [1, 1], direction: new Float64Array([1, 0, 0, 1]), size: [4, 4],
    data: new Uint8Array(16).map((_, k) => (value + k) & 0xff), metadata: new Map(),
  };
}

function ctPath() {
  // pydicom's CT_small.dcm from the test venv (the same file the Python soak reads).
  const site = readFileSync(`${root}.venv/pyvenv.cfg`, 'utf8').match(/version\s*=\s*(\d+\.\d+)/)[1];
  return `${root}.venv/lib/python${site}/site-packages/pydicom/data/test_files/CT_small.dcm`;
}

