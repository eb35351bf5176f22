// Compiled by the Node test with `tsc --strict`: the generated declarations must describe
// real usage, and misuse must not type-check.
import { compressStringify, parseStringDecompress, configure, WitkError } from '../../../build/npm/compress-stringify/index.js';

export async function usage(): Promise<number> {
  configure({ workers: 2 });
  const url: Uint8Array = await compressStringify(new Uint8Array([33, 44, 55]), { stringify: true, compressionLevel: 3 });
  const back: Uint8Array = await parseStringDecompress(url, { parseString: true, worker: true });
  try {
    await parseStringDecompress(new Float32Array(4));
  } catch (e) {
    if (e instanceof WitkError) return e.code.length + e.detail.length;
  }
  // @ts-expect-error compressionLevel is a number
  await compressStringify(url, { compressionLevel: 'high' });
  return back.length;
}
