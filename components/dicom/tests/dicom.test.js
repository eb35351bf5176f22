// @witk/dicom in Node: tags and series from pydicom's test files (paths, or { path, data }),
// the same answers as the Rust host's `witk dicom`, typed errors, worker mode.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dicom = await import(`${root}build/npm/dicom/index.js`);
const python = `${root}.venv/bin/python`;
const data = execFileSync(python, ['-c', 'import pydicom, os; print(os.path.dirname(pydicom.__file__))']).toString().trim() + '/data/test_files/';
const witk = process.env.WITK_BIN ?? `${root}target/release/witk`;

test('readDicomTags gives the tags the Rust host gives, decoded', async () => {
  const tags = await dicom.readDicomTags(`${data}CT_small.dcm`);
  const host = JSON.parse(execFileSync(witk, ['dicom', 'tags', `${data}CT_small.dcm`]).toString());
  assert.deepEqual(Object.fromEntries(tags), host);
  assert.equal(tags.get('0008|0060'), 'CT');
  const picked = await dicom.readDicomTags(`${data}MR_small.dcm`, { tagsToRead: ['0010|0010', '0028|0010'] });
  assert.deepEqual([...picked], [['0010|0010', 'CompressedSamples^MR1'], ['0028|0010', '64']]);
  const jp = await dicom.readDicomTags(`${data}../charset_files/chrH31.dcm`, { tagsToRead: ['0010|0010'] });
  assert.equal(jp.get('0010|0010'), 'Yamada^Tarou=山田^太郎=やまだ^たろう');
});

test('readImageDicomFileSeries reads JPEG 2000 and RLE from paths and from bytes, in a worker too', async () => {
  for (const name of ['MR_small_jp2klossless.dcm', 'MR_small_RLE.dcm']) {
    const { outputImage, sortedFilenames } = await dicom.readImageDicomFileSeries([`${data}${name}`]);
    assert.deepEqual(sortedFilenames, [name]);
    assert.deepEqual(outputImage.size, [64, 64]);
    assert.equal(outputImage.imageType.componentType, 'int16');
    assert.ok(outputImage.data instanceof Int16Array);
    const plain = await dicom.readImageDicomFileSeries([`${data}MR_small.dcm`], { worker: true });
    assert.deepEqual([...outputImage.data], [...plain.outputImage.data], `${name} decodes to the uncompressed pixels`);
  }
  const bytes = { path: 'ct.dcm', data: new Uint8Array(readFileSync(`${data}CT_small.dcm`)) };
  const { outputImage } = await dicom.readImageDicomFileSeries([bytes]);
  assert.equal(outputImage.imageType.componentType, 'int32');
  dicom.terminate();
});

test('undecodable and broken files reject with typed errors', async () => {
  await assert.rejects(dicom.readImageDicomFileSeries([`${data}MR_small_jpeg_ls_lossless.dcm`]), (e) => {
    return e instanceof dicom.WitkError && e.code === 'unsupported' && e.detail.includes('1.2.840.10008.1.2.4.80');
  });
  await assert.rejects(dicom.readImageDicomFileSeries([`${data}MR_truncated.dcm`]), { code: 'invalid-data' });
  await assert.rejects(dicom.readImageDicomFileSeries([]), { code: 'invalid-argument' });
  await assert.rejects(dicom.readDicomTags({ path: 'x', data: new Uint8Array([1, 2, 3]) }), { code: 'invalid-data' });
});
