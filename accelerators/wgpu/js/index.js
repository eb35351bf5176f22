// @witk/downsample-webgpu: importing this module makes @witk/downsample's `downsample`,
// `downsampleBinShrink` and `downsampleLabelImage` run on the GPU through WebGPU, with the
// component's results byte for byte (the same planner and WGSL as the native wgpu
// accelerator, f64 emulated in 32-bit integer arithmetic: WebGPU has no f64).
//
// Registered at priority 10 with @witk/downsample's `functionFactory` (Python's
// entry-point mechanism, as JS has it); `functionFactory.disable('downsample', name)` or
// `WITK_ACCELERATORS=none` turns it off. Whatever the GPU does not compute (no
// `navigator.gpu` or no adapter, a lost device, out of GPU memory, 4-D images, partly
// buffered inputs, `{ worker: true }` calls, invalid calls) runs on the component, with
// its result or its WitkError; `lastFallback()` says why the last call fell back.

import { functionFactory } from '@witk/downsample';
import { plan } from './planner.js';
import { run } from './webgpu.js';

const SIZES = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float32: 4, float64: 8 };
const ARRAYS = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array,
  uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array,
};

let gpu = null;
let fallback = null;

/** The WebGPU device (requested once, again after a loss), or null. */
function device() {
  gpu ??= (async () => {
    const adapter = await globalThis.navigator?.gpu?.requestAdapter();
    if (!adapter) return null;
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: { maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, maxBufferSize: limits.maxBufferSize },
    });
    device.lost.then(() => {
      gpu = null;
    });
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'WebGPU adapter';
    return { device, name, maxBinding: Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) };
  })().catch((e) => {
    fallback = `no WebGPU device: ${e?.message ?? e}`;
    return null;
  });
  return gpu;
}

/** The adapter these functions run on, or null when there is none. */
export async function adapter() {
  const g = await device();
  return g ? `${g.name} (WebGPU, emulated f64)` : null;
}

/** Why the last call ran on the component instead (null when it ran on the GPU). */
export const lastFallback = () => fallback;

async function onGpu(method, input, shrinkFactors, cropRadius) {
  const g = await device();
  if (!g) return 'no WebGPU adapter (navigator.gpu is missing or offers none)';
  const data = input?.data;
  const type = input?.imageType?.componentType;
  if (!ArrayBuffer.isView(data) || !(type in SIZES)) return 'the image has no typed pixel data';
  const region = input.bufferedRegion;
  if (region && (region.size.some((s, i) => Number(s) !== Number(input.size[i])) || region.index.some((i) => Number(i) !== 0))) {
    return 'a partly buffered image';
  }
  const response = await plan({
    method,
    componentType: type,
    components: input.imageType.components ?? 1,
    size: [...input.size].map(Number),
    spacing: [...input.spacing],
    origin: [...input.origin],
    direction: [...input.direction],
    bytes: data.byteLength,
    shrinkFactors: [...shrinkFactors].map(Number),
    cropRadius: cropRadius == null ? null : [...cropRadius].map(Number),
    // globalThis.WITK_WEBGPU_MAX_BINDING lowers the binding size (to test slabs, or to
    // spare a device's memory).
    maxBinding: Math.min(g.maxBinding, Number(globalThis.WITK_WEBGPU_MAX_BINDING ?? Infinity)),
    precision: 'emulated',
  });
  if (!response.ok) return response.invalid ? `invalid: ${response.invalid}` : response.unsupported;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = await run(g.device, response.ok, bytes, type, SIZES[type]);
  const p = response.ok;
  return {
    imageType: { ...input.imageType },
    name: input.name,
    origin: p.origin,
    spacing: p.spacing,
    direction: new Float64Array(p.direction),
    size: p.size,
    metadata: input.metadata,
    data: new ARRAYS[type](out.buffer, out.byteOffset, out.byteLength / SIZES[type]),
    bufferedRegion: { index: p.size.map(() => 0), size: [...p.size] },
  };
}

function override(method) {
  return async (args, options, next) => {
    const [input, shrinkFactors] = args;
    const opts = options ?? {};
    if (opts.worker || opts.informationOnly) {
      fallback = opts.worker ? 'worker calls run on the component' : 'information only';
      return next();
    }
    let result;
    try {
      result = await onGpu(method, input, shrinkFactors, method === 'bin-shrink' ? null : opts.cropRadius);
    } catch (e) {
      gpu = null; // a device error: ask for a fresh device next time
      result = `WebGPU failed: ${e?.message ?? e}`;
    }
    if (typeof result === 'string') {
      fallback = result;
      return next();
    }
    fallback = null;
    return result;
  };
}

/** The three overrides as registered (for `functionFactory.setPriority` and friends). */
export const overrides = {
  downsample: override('gaussian'),
  downsampleBinShrink: override('bin-shrink'),
  downsampleLabelImage: override('label'),
};

for (const [name, impl] of Object.entries(overrides)) functionFactory.register('downsample', name, impl, 10);
