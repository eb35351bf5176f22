// The planner (accelerators/wgpu/plan, compiled to wasm): what runs on the GPU, as JSON.
// The same Rust code plans witk-wgpu's native runs, so both give the component's bytes.

let instance = null;

async function load() {
  const url = new URL('./planner.wasm', import.meta.url);
  let bytes;
  if (typeof process !== 'undefined' && process.versions?.node && url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    bytes = await readFile(url);
  } else {
    bytes = await (await fetch(url)).arrayBuffer();
  }
  const { instance: i } = await WebAssembly.instantiate(bytes, {});
  return i.exports;
}

/** The planner's exports, instantiated once. */
export async function planner() {
  instance ??= load();
  return instance;
}

/** Call an export that takes bytes and returns `ptr << 32 | len` bytes it allocated. */
function call(x, fn, bytes, ...first) {
  const ptr = x.alloc(bytes.length);
  new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
  const r = BigInt.asUintN(64, fn(...first, ptr, bytes.length));
  x.dealloc(ptr, bytes.length);
  const out = Number(r >> 32n);
  const len = Number(r & 0xffffffffn);
  const copy = new Uint8Array(x.memory.buffer, out, len).slice();
  x.dealloc(out, len);
  return copy;
}

/** The program for a call: { ok: {...} } | { invalid: message } | { unsupported: why }. */
export async function plan(request) {
  const x = await planner();
  const text = new TextDecoder().decode(call(x, x.plan, new TextEncoder().encode(JSON.stringify(request))));
  return JSON.parse(text);
}

const CTYPES = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64'];

/** A result buffer's f64 values as pixel bytes of `componentType` (the planner's cast). */
export async function cast(componentType, bytes) {
  const x = await planner();
  return call(x, x.cast, bytes, CTYPES.indexOf(componentType));
}
