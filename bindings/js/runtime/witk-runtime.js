// witk's JavaScript runtime, shared by every generated @witk/* package (copied into each
// package by scripts/build-js.sh so relative imports work in bundlers, Node and plain
// <script type="module"> alike). It loads a jco-transpiled component, keeps one warm
// instance (replaced after a trap), maps component errors to WitkError, and optionally
// runs calls in a pool of workers (Web Workers in browsers, worker_threads in Node).

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/** A failed witk call: `code` is the WIT error code ("invalid-data", ...) or "trap". */
export class WitkError extends Error {
  constructor(code, message, fn) {
    super(`${fn}: ${code}: ${message}`);
    this.name = 'WitkError';
    this.code = code;
    this.detail = message;
    this.function = fn;
  }
}

/** Bytes of any binary input, as a Uint8Array view (never a copy). */
export function asBytes(input, name = 'input') {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer)) {
    return new Uint8Array(input);
  }
  if (typeof input === 'string') return new TextEncoder().encode(input);
  throw new TypeError(`${name}: expected a Uint8Array, another typed array, a DataView, an ArrayBuffer or a string`);
}

const compiled = new Map();

async function compileCore(url) {
  if (url.protocol === 'file:' && isNode) {
    const { readFile } = await import('node:fs/promises');
    return WebAssembly.compile(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  // compileStreaming needs the server to send application/wasm; fall back if it does not.
  if (response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * Instantiate a jco-transpiled component: `jcoInstantiate` is its `instantiate` export,
 * `coreUrls` maps its core module names to URLs (compiled once per thread).
 */
export async function instantiate(jcoInstantiate, coreUrls) {
  const getCoreModule = (path) => {
    const url = coreUrls[path];
    if (!url) throw new Error(`jco asked for an unknown core module ${path}`);
    if (!compiled.has(url.href)) compiled.set(url.href, compileCore(url));
    return compiled.get(url.href);
  };
  const root = await jcoInstantiate(getCoreModule, {});
  return Object.values(root).find((v) => v && typeof v === 'object');
}

/** Run `api[fn](...args)`, mapping failures; returns [result] or throws WitkError. */
function invoke(api, fn, args) {
  try {
    return api[fn](...args);
  } catch (e) {
    if (e && e.payload && typeof e.payload.code === 'string') {
      throw new WitkError(e.payload.code, e.payload.message, fn);
    }
    const err = new WitkError('trap', String(e?.message ?? e), fn);
    err.trapped = true;
    throw err;
  }
}

/** One pipeline package: direct calls on a warm instance, or calls in a worker pool. */
export class Pipeline {
  #component;
  #worker;
  #instance = null;
  #pool = null;
  #workers = 0;

  /**
   * `component`: { instantiate, coreUrls } of the jco output; `worker`: { url, spawn },
   * where `spawn()` creates the browser Worker with a literal `new Worker(new URL(...))`
   * that bundlers recognise, and `url` is used with Node's worker_threads.
   */
  constructor({ component, worker }) {
    this.#component = component;
    this.#worker = worker;
  }

  /** `workers`: size of the worker pool (default: hardware threads, at most 4). */
  configure({ workers } = {}) {
    if (workers !== undefined) {
      if (!Number.isInteger(workers) || workers < 1) throw new RangeError('workers must be a positive integer');
      this.#pool?.terminate();
      this.#pool = null;
      this.#workers = workers;
    }
  }

  /** Stop the worker pool (Node keeps running while workers exist). */
  terminate() {
    this.#pool?.terminate();
    this.#pool = null;
  }

  async call(fn, args, { worker = false, transfer = false } = {}) {
    if (worker) {
      this.#pool ??= new WorkerPool(this.#worker, this.#workers || defaultWorkers());
      return this.#pool.run(fn, args, transfer);
    }
    const api = await (this.#instance ??= instantiate(this.#component.instantiate, this.#component.coreUrls));
    try {
      return invoke(api, fn, args);
    } catch (e) {
      if (e.trapped) this.#instance = null; // a trapped instance is never reused
      throw e;
    }
  }
}

function defaultWorkers() {
  const n = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(4, n));
}

async function spawn({ url, spawn: spawnBrowserWorker }) {
  if (typeof Worker !== 'undefined' && !isNode) {
    const w = spawnBrowserWorker();
    return {
      post: (m, t) => w.postMessage(m, t),
      on: (f) => (w.onmessage = (e) => f(e.data)),
      kill: () => w.terminate(),
      hold: () => {},
    };
  }
  const { Worker: NodeWorker } = await import('node:worker_threads');
  const w = new NodeWorker(url);
  w.unref(); // an idle pool must not keep Node running; busy workers are held below
  return {
    post: (m, t) => w.postMessage(m, t),
    on: (f) => w.on('message', f),
    kill: () => w.terminate(),
    hold: (busy) => (busy ? w.ref() : w.unref()),
  };
}

/** A small pool of workers, each with its own instance; requests go to the least busy. */
class WorkerPool {
  #workers;
  #pending = new Map();
  #next = 0;

  constructor(worker, size) {
    this.#workers = Array.from({ length: size }, () => {
      const slot = { busy: 0, ready: spawn(worker) };
      slot.ready.then((w) => w.on((msg) => this.#settle(slot, msg)));
      return slot;
    });
  }

  #settle(slot, { id, ok, error }) {
    slot.busy--;
    if (slot.busy === 0) slot.ready.then((w) => w.hold(false));
    const p = this.#pending.get(id);
    this.#pending.delete(id);
    if (error) p.reject(Object.assign(new WitkError(error.code, error.message, error.fn), { trapped: error.trapped }));
    else p.resolve(ok);
  }

  async run(fn, args, transfer) {
    const slot = this.#workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    const id = this.#next++;
    const w = await slot.ready;
    w.hold(true);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const buffers = transfer ? args.filter((a) => a instanceof Uint8Array).map((a) => a.buffer) : [];
      w.post({ id, fn, args }, buffers);
    });
  }

  terminate() {
    for (const slot of this.#workers) slot.ready.then((w) => w.kill());
  }
}

/** The body of a generated worker module: serve calls for the component. */
export async function serveWorker({ instantiate: jcoInstantiate, coreUrls }) {
  let port;
  if (typeof self !== 'undefined' && typeof self.postMessage === 'function' && !isNode) {
    port = { post: (m, t) => self.postMessage(m, t), on: (f) => (self.onmessage = (e) => f(e.data)) };
  } else {
    const { parentPort } = await import('node:worker_threads');
    port = { post: (m, t) => parentPort.postMessage(m, t), on: (f) => parentPort.on('message', f) };
  }
  let instance = null;
  port.on(async ({ id, fn, args }) => {
    try {
      const api = await (instance ??= instantiate(jcoInstantiate, coreUrls));
      const out = invoke(api, fn, args);
      // The result is fresh memory owned by this worker: hand it over without a copy.
      port.post({ id, ok: out }, out instanceof Uint8Array ? [out.buffer] : []);
    } catch (e) {
      if (e.trapped) instance = null;
      port.post({ id, error: { code: e.code ?? 'trap', message: e.detail ?? String(e), fn, trapped: !!e.trapped } });
    }
  });
}
