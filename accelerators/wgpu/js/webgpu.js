// Running a planner program on a WebGPU device: per slab, its buffers, one submission of
// its dispatches, and the result read back. Any device error rejects (the caller then
// falls back to the component).

import { cast } from './planner.js';

const pipelines = new WeakMap();

function pipeline(device, key, wgsl) {
  let byKey = pipelines.get(device);
  if (!byKey) {
    const entries = [0, 1, 2, 3].map((binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: binding === 1 ? 'storage' : 'read-only-storage' },
    }));
    const layout = device.createBindGroupLayout({ entries });
    byKey = { layout, compiled: new Map() };
    pipelines.set(device, byKey);
  }
  let p = byKey.compiled.get(key);
  if (!p) {
    const module = device.createShaderModule({ code: wgsl });
    p = device.createComputePipeline({
      layout: device.createPipelineLayout({ bindGroupLayouts: [byKey.layout] }),
      compute: { module, entryPoint: 'main' },
    });
    byKey.compiled.set(key, p);
  }
  return { pipeline: p, layout: byKey.layout };
}

function storage(device, size, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST) {
  return device.createBuffer({ size, usage });
}

function init(device, words) {
  const b = device.createBuffer({ size: Math.max(8, words.byteLength), usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
  new Uint8Array(b.getMappedRange()).set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
  b.unmap();
  return b;
}

/** Run `program` (the planner's `ok`) on `bytes`, the input's pixels; returns the output's bytes. */
export async function run(device, program, bytes, componentType, valueSize) {
  const parts = [];
  for (const slab of program.slabs) {
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const buffers = slab.buffers.map((size) => storage(device, size));
    const [start, end] = slab.input;
    const input = bytes.subarray(start, end);
    const whole = input.length - (input.length % 4);
    if (whole > 0) device.queue.writeBuffer(buffers[0], 0, input, 0, whole);
    if (whole < input.length) {
      const tail = new Uint8Array(4);
      tail.set(input.subarray(whole));
      device.queue.writeBuffer(buffers[0], whole, tail);
    }
    const encoder = device.createCommandEncoder();
    const transient = [];
    for (const step of slab.steps) {
      const { pipeline: p, layout } = pipeline(device, step.shader, program.shaders[step.shader]);
      const params = init(device, new Uint32Array(step.params));
      const reals = init(device, new Uint32Array(step.reals));
      transient.push(params, reals);
      const group = device.createBindGroup({
        layout,
        entries: [
          { binding: 0, resource: { buffer: buffers[step.src] } },
          { binding: 1, resource: { buffer: buffers[step.dst] } },
          { binding: 2, resource: { buffer: params } },
          { binding: 3, resource: { buffer: reals } },
        ],
      });
      const pass = encoder.beginComputePass();
      pass.setPipeline(p);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(step.workgroups[0], step.workgroups[1], 1);
      pass.end();
    }
    const size = Math.ceil(slab.outputBytes / 8) * 8;
    const staging = storage(device, size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    encoder.copyBufferToBuffer(buffers[slab.output], 0, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    const validation = device.popErrorScope();
    const oom = device.popErrorScope();
    await staging.mapAsync(GPUMapMode.READ);
    const result = new Uint8Array(staging.getMappedRange().slice(0, slab.outputBytes));
    staging.unmap();
    for (const b of [...buffers, ...transient, staging]) b.destroy();
    const error = (await validation) ?? (await oom);
    if (error) throw new Error(`WebGPU: ${error.message}`);
    if (slab.finish === 'gather') {
      // Label voting: u32 indices of input values within the slab.
      const indices = new Uint32Array(result.buffer, result.byteOffset, result.byteLength / 4);
      const out = new Uint8Array(indices.length * valueSize);
      for (let i = 0; i < indices.length; i++) {
        const at = indices[i] * valueSize;
        out.set(input.subarray(at, at + valueSize), i * valueSize);
      }
      parts.push(out);
    } else {
      parts.push(await cast(componentType, result));
    }
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
