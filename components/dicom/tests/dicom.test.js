// @witk/dicom in Node: tags, series, segmentations and reports from pydicom's test files
// (paths, or { path, data }), the same answers as the Rust host's `witk dicom`, typed
// errors, worker mode.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dicom = await import(`${root}build/npm/dicom/index.js`);
const python = `${root}.venv/bin/python`;
const data = execFileSync(python, ['-c', 'import pydicom, os; print(os.path.dirname(pydicom.__file__))']).toString().trim() + '/data/test_files/';
const witk = process.env.WITK_BIN ?? `${root}target/release/witk`;
const tmp = mkdtempSync(`${tmpdir()}/witk-dicom-`);

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
    assert.deepEqual(sortedFilenames, [`${data}${name}`]);
    assert.deepEqual(outputImage.size, [64, 64, 1]);
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
  await assert.rejects(dicom.readImageDicomFileSeries([`${data}SC_rgb_jls_lossy_line.dcm`]), (e) => {
    return e instanceof dicom.WitkError && e.code === 'unsupported' && e.detail.includes('1.2.840.10008.1.2.4.81');
  });
  await assert.rejects(dicom.readImageDicomFileSeries([`${data}MR_truncated.dcm`]), { code: 'invalid-data' });
  await assert.rejects(dicom.readImageDicomFileSeries([]), { code: 'invalid-argument' });
  await assert.rejects(dicom.readDicomTags({ path: 'x', data: new Uint8Array([1, 2, 3]) }), { code: 'invalid-data' });
});

test('segmentations: read as the Rust host reads them, metadata as objects, written and read back', async () => {
  const { segImage, metaInfo } = await dicom.readSegmentation(`${data}liver_1frame.dcm`);
  assert.ok(segImage.data instanceof Int16Array);
  const host = JSON.parse(execFileSync(witk, ['dicom', 'seg', `${data}liver_1frame.dcm`, `${tmp}/liver.nrrd`]).toString());
  assert.deepEqual(metaInfo, host.metaInfo);
  assert.equal(metaInfo.segmentAttributes[0][0].labelID, 1);
  const overlapping = await dicom.readOverlappingSegmentation(`${data}liver_1frame.dcm`, { mergeSegments: true });
  assert.equal(overlapping.segImage.imageType.pixelType, 'VariableLengthVector');
  assert.deepEqual([...overlapping.segImage.data], [...segImage.data]);
  // Written against a reference series (CT_small: its study, patient and frame of reference).
  const [file] = await dicom.writeSegmentation(segImage, metaInfo, 'liver-seg.dcm', [`${data}CT_small.dcm`]);
  assert.equal(file.path, 'liver-seg.dcm');
  const again = await dicom.readSegmentation({ path: 'liver-seg.dcm', data: file.data });
  assert.deepEqual([...again.segImage.data], [...segImage.data]);
  assert.deepEqual(again.metaInfo.segmentAttributes, metaInfo.segmentAttributes);
  await assert.rejects(dicom.readSegmentation(`${data}CT_small.dcm`), { code: 'invalid-argument' });
  await assert.rejects(dicom.writeSegmentation(segImage, { nope: 1 }, 'x.dcm', [`${data}CT_small.dcm`]), {
    code: 'invalid-argument',
  });
});

test('structured reports print as the Rust host prints them', async () => {
  const text = await dicom.structuredReportToText(`${data}test-SR.dcm`, { numberNestedItems: true });
  const host = execFileSync(witk, ['dicom', 'sr', '--number-nested-items', `${data}test-SR.dcm`]).toString();
  assert.equal(text, host);
  assert.match(text, /^1 {2}<CONTAINER:\(,,"Diagnosis"\)=SEPARATE>/m);
  await assert.rejects(dicom.readDicomEncapsulatedPdf(`${data}test-SR.dcm`), { code: 'invalid-argument' });
});
