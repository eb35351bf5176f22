// Pyodide checks of witk-dicom in Chromium: run by bindings/js/test/browser.test.js, which
// finds every components/*/tests/*.pyodide.js and runs each exported test in its one
// Pyodide page (witk's wheels installed). pydicom's test files go into Pyodide's file
// system; the answers must be the npm package's in Node for the same files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const python = `${root}.venv/bin/python`;
const data =
  execFileSync(python, ['-c', 'import pydicom, os; print(os.path.dirname(pydicom.__file__))']).toString().trim() +
  '/data/test_files/';
const NAMES = ['CT_small.dcm', 'MR_small_RLE.dcm', 'liver_1frame.dcm', 'test-SR.dcm'];

/** name -> async ({ runPython }) => void; runPython(code, globals) gives the code's JSON result. */
export const tests = {
  'dicom: tags, series, segmentations and reports from files in Pyodide match Node': async ({ runPython }) => {
    const dicom = await import(`${root}build/npm/dicom/index.js`);
    const files = Object.fromEntries(NAMES.map((n) => [n, readFileSync(`${data}${n}`).toString('base64')]));
    const r = await runPython(
      `
import base64, json, os
import witk
from witk_dicom import (read_dicom_tags_async, read_image_dicom_file_series_async, read_segmentation_async,
                        structured_report_to_text_async, write_segmentation_async)

os.makedirs("/tmp/dicom", exist_ok=True)
for name, b64 in json.loads(files_json).items():
    with open(f"/tmp/dicom/{name}", "wb") as f:
        f.write(base64.b64decode(b64))
out = {}
tags = await read_dicom_tags_async("/tmp/dicom/CT_small.dcm", tags_to_read=["0008|0060", "0010|0010"])
out["tags"] = [list(t) for t in tags]
image, names = await read_image_dicom_file_series_async(["/tmp/dicom/MR_small_RLE.dcm"])
out["series"] = [list(image.size), str(image.imageType.componentType), names, sum(memoryview(image.data).cast("B").cast("h"))]
seg, meta = await read_segmentation_async("/tmp/dicom/liver_1frame.dcm")
out["seg"] = [list(seg.size), type(meta).__name__, meta["segmentAttributes"][0][0]["SegmentLabel"]]
await write_segmentation_async(seg, meta, "/tmp/dicom/out-seg.dcm", ["/tmp/dicom/CT_small.dcm"])
again, again_meta = await read_segmentation_async("/tmp/dicom/out-seg.dcm")
out["round trip"] = bytes(memoryview(again.data)) == bytes(memoryview(seg.data)) and again_meta == meta
out["sr"] = await structured_report_to_text_async("/tmp/dicom/test-SR.dcm", no_document_header=True)
try:
    await read_segmentation_async("/tmp/dicom/CT_small.dcm")
except witk.InvalidArgumentError as e:
    out["error"] = "InvalidArgumentError"
json.dumps(out)
`,
      { files_json: JSON.stringify(files) },
    );
    const tags = await dicom.readDicomTags(`${data}CT_small.dcm`, { tagsToRead: ['0008|0060', '0010|0010'] });
    assert.deepEqual(r.tags, [...tags]);
    const { outputImage } = await dicom.readImageDicomFileSeries([`${data}MR_small_RLE.dcm`]);
    assert.deepEqual(r.series.slice(0, 3), [outputImage.size, 'int16', ['/tmp/dicom/MR_small_RLE.dcm']]);
    assert.equal(
      r.series[3],
      outputImage.data.reduce((a, b) => a + b, 0),
    );
    const { segImage, metaInfo } = await dicom.readSegmentation(`${data}liver_1frame.dcm`);
    assert.deepEqual(r.seg, [segImage.size, 'dict', metaInfo.segmentAttributes[0][0].SegmentLabel]);
    assert.equal(r['round trip'], true);
    assert.equal(r.sr, await dicom.structuredReportToText(`${data}test-SR.dcm`, { noDocumentHeader: true }));
    assert.equal(r.error, 'InvalidArgumentError');
    dicom.terminate();
  },
};
