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

// The override registry every package exports, and the WebGPU accelerator's declarations.
import { functionFactory } from '../../../build/npm/downsample/index.js';
import { adapter, lastFallback, overrides } from '../../../build/npm/downsample-webgpu/index.js';

export async function accelerators(): Promise<string> {
  functionFactory.register('downsample', 'downsample', async (args, options, next) => next(), 5);
  functionFactory.setPriority(overrides.downsampleBinShrink, 10);
  const p: number = functionFactory.getPriority(overrides.downsample);
  // @ts-expect-error an override is a function
  functionFactory.register('downsample', 'downsample', 42);
  return `${(await adapter()) ?? 'none'} ${lastFallback() ?? ''} ${p}`;
}
