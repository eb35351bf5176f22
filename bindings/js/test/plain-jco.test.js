// witk's components without witk's JS runtime: jco alone (its default ES module output,
// as its README shows it) runs them in Node. docs/write-a-pipeline.md documents this use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const jco = join(root, 'bindings/js/node_modules/.bin/jco');

/** `jco transpile` of a built component into a fresh folder; its module, imported. */
async function transpile(name) {
  const out = mkdtempSync(join(tmpdir(), `witk-jco-${name}-`));
  execFileSync(jco, ['transpile', join(root, `components/target/witk/${name}.wasm`), '-o', out, '--quiet']);
  const module = await import(join(out, `${name}.js`));
  return { module, cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

test('compress-stringify gives the reference vector through plain jco', async () => {
  const { module, cleanup } = await transpile('compress-stringify');
  try {
    const { api } = module;
    const url = api.compressStringify(new Uint8Array([33, 44, 55]), true, 3, 'data:application/zstd;base64,');
    assert.equal(Buffer.from(url).toString(), 'data:application/zstd;base64,KLUv/SADGQAAISw3');
    assert.deepEqual([...api.parseStringDecompress(url, true)], [33, 44, 55]);
    // A WIT error is thrown as jco's ComponentError, its payload the error record.
    assert.throws(() => api.parseStringDecompress(new Uint8Array([1, 2, 3]), false), (e) => e.payload.code === 'invalid-data');
  } finally {
    cleanup();
  }
});

test('downsample takes and returns witk:types records through plain jco', async () => {
  const { module, cleanup } = await transpile('downsample');
  try {
    const image = {
      imageType: { dimension: 1, componentType: 'uint8', pixelType: 'scalar', components: 1 },
      name: 'ramp', origin: [0], spacing: [1], direction: [1], size: [4n], metadata: [],
      data: { tag: 'uint8', val: new Uint8Array([0, 1, 2, 3]) }, bufferedRegion: undefined,
    };
    const out = module.api.downsampleBinShrink(image, new Uint32Array([2]), false);
    assert.deepEqual([...out.data.val], [1, 3]);
    assert.deepEqual([...out.size], [2n]);
    assert.deepEqual([...out.spacing], [2]);
  } finally {
    cleanup();
  }
});
