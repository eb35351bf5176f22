// witk's JavaScript runtime, shared by every generated @witk/* package (copied into each
// package by scripts/build-js.sh so relative imports work in bundlers, Node and plain
// <script type="module"> alike). It loads a jco-transpiled component, keeps one warm
// instance (replaced after a trap), converts values between the JavaScript data model and
// jco's WIT values from the type descriptors a package is generated with, reads and writes
// the files of `binary-file` parameters and results, maps component errors to WitkError,
// and optionally runs calls in a pool of workers (Web Workers in browsers, worker_threads
// in Node).

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

// ---------------------------------------------------------------------------------------
// Values. A generated package describes each WIT type with a plain descriptor:
//   'bool' 'u8' 'u16' 'u32' 'u64' 's8' 's16' 's32' 's64' 'f32' 'f64' 'string'
//   'json'                                witk:types json: any JSON value (a string is
//                                         taken as JSON text), parsed when it comes back
//   'bytes'                               list<u8>: a Uint8Array
//   { typed: 'f64', array?: true }        list of numbers: a TypedArray, or number[] with `array`
//   { record, fields: [[name, type]], file?: 'binary' | 'text' }
//   { enum, cases: [wit names], names: [JavaScript names] }
//   { variant, cases: [[name, type | null]], typedArray?: true }
//   { option: type }  { list: type }  { tuple: [types], names?: [field names] }
//   { map: type, json?: true }            list<tuple<string, T>>: a Map (values JSON text)
// `lower` turns a caller's value into what jco takes, `lift` turns jco's value into the
// caller's; bulk data (typed arrays) passes through both by reference, never element-wise.
// ---------------------------------------------------------------------------------------

const TYPED = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array,
  s64: BigInt64Array,
  f32: Float32Array,
  f64: Float64Array,
};
const BIG = new Set(['u64', 's64']);
const INT_RANGE = {
  u8: [0, 0xff],
  s8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  s16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  s32: [-0x80000000, 0x7fffffff],
};

const typedClass = (t) => (t === 'bytes' ? Uint8Array : t && typeof t === 'object' && t.typed ? TYPED[t.typed] : null);
const describe = (v) =>
  v === null ? 'null' : ArrayBuffer.isView(v) ? v.constructor.name : Array.isArray(v) ? 'an array' : typeof v;
const norm = (s) => String(s).toLowerCase().replace(/[^a-z0-9]/g, '');
const enumLookups = new WeakMap();

function enumLookup(t) {
  let m = enumLookups.get(t);
  if (!m) {
    // JavaScript names (ITK-Wasm's spellings), WIT names, and either without case or separators.
    m = new Map();
    t.cases.forEach((c, i) => {
      for (const k of [t.names[i], c]) {
        m.set(k, c);
        if (!m.has(norm(k))) m.set(norm(k), c);
      }
    });
    enumLookups.set(t, m);
  }
  return m;
}

function iterable(v) {
  return v != null && typeof v !== 'string' && typeof v[Symbol.iterator] === 'function';
}

/** A caller's value as jco takes it; TypeError (naming `where`) if it does not fit `t`. */
export function lower(t, v, where) {
  if (typeof t === 'string') {
    switch (t) {
      case 'bool':
        if (typeof v !== 'boolean') throw new TypeError(`${where}: expected a boolean, got ${describe(v)}`);
        return v;
      case 'string':
        if (typeof v !== 'string') throw new TypeError(`${where}: expected a string, got ${describe(v)}`);
        return v;
      case 'bytes':
        return asBytes(v, where);
      case 'json':
        if (typeof v === 'string') return v;
        try {
          return JSON.stringify(v);
        } catch (e) {
          throw new TypeError(`${where}: expected a JSON value, got ${describe(v)}: ${e.message}`);
        }
      case 'f32':
      case 'f64':
        if (typeof v !== 'number') throw new TypeError(`${where}: expected a number, got ${describe(v)}`);
        return v;
      case 'u64':
      case 's64':
        if (typeof v === 'bigint') return v;
        if (!Number.isInteger(v)) throw new TypeError(`${where}: expected an integer, got ${describe(v)} ${v}`);
        return BigInt(v);
      default: {
        const n = typeof v === 'bigint' ? Number(v) : v;
        const [lo, hi] = INT_RANGE[t];
        if (!Number.isInteger(n) || n < lo || n > hi) {
          throw new TypeError(`${where}: expected an integer from ${lo} to ${hi} (${t}), got ${describe(v)} ${v}`);
        }
        return n;
      }
    }
  }
  if (t.typed) {
    const C = TYPED[t.typed];
    if (v instanceof C) return v;
    if (!iterable(v) && !(v && typeof v.length === 'number')) {
      throw new TypeError(`${where}: expected a ${C.name} or an array of numbers, got ${describe(v)}`);
    }
    // Small vectors (origin, spacing, size): converted; bulk data should come as the right TypedArray.
    return C.from(v, BIG.has(t.typed) ? (x) => BigInt(x) : Number);
  }
  if (t.record) {
    if (v === null || typeof v !== 'object') throw new TypeError(`${where}: expected a ${t.record} object, got ${describe(v)}`);
    const out = {};
    for (const [name, ft] of t.fields) {
      const x = v[name];
      if (x === undefined && !ft.option && !ft.map) throw new TypeError(`${where}: ${t.record} has no ${name}`);
      out[name] = lower(ft, x, `${where}.${name}`);
    }
    return out;
  }
  if (t.enum) {
    const c = typeof v === 'string' ? (enumLookup(t).get(v) ?? enumLookup(t).get(norm(v))) : undefined;
    if (c === undefined) {
      throw new TypeError(`${where}: expected a ${t.enum} (${t.names.map((n) => `'${n}'`).join(', ')}), got ${describe(v)} ${v}`);
    }
    return c;
  }
  if (t.variant) {
    if (v && typeof v === 'object' && typeof v.tag === 'string' && !ArrayBuffer.isView(v)) {
      const c = t.cases.find(([name]) => name === v.tag);
      if (!c) throw new TypeError(`${where}: ${v.tag} is not a case of ${t.variant}`);
      return c[1] === null ? { tag: c[0] } : { tag: c[0], val: lower(c[1], v.val, `${where}.val`) };
    }
    if (t.typedArray && ArrayBuffer.isView(v)) {
      const view = v instanceof Uint8ClampedArray ? new Uint8Array(v.buffer, v.byteOffset, v.length) : v;
      const c = t.cases.find(([, ct]) => view.constructor === typedClass(ct) || (ct === 'bytes' && view instanceof Uint8Array));
      if (c) return { tag: c[0], val: view };
    }
    const typed = t.typedArray ? 'a TypedArray or ' : '';
    throw new TypeError(`${where}: expected ${typed}{ tag, val } (${t.variant}), got ${describe(v)}`);
  }
  if ('option' in t) return v === null || v === undefined ? undefined : lower(t.option, v, where);
  if (t.list) {
    if (!iterable(v)) throw new TypeError(`${where}: expected an array, got ${describe(v)}`);
    return Array.from(v, (x, i) => lower(t.list, x, `${where}[${i}]`));
  }
  if (t.tuple) {
    const items = t.names && !Array.isArray(v) && v && typeof v === 'object' ? t.names.map((n) => v[n]) : v;
    if (!Array.isArray(items) || items.length !== t.tuple.length) {
      throw new TypeError(`${where}: expected ${t.tuple.length} values, got ${describe(v)}`);
    }
    return t.tuple.map((tt, i) => lower(tt, items[i], `${where}[${i}]`));
  }
  if (t.map) {
    const entries =
      v === undefined || v === null
        ? []
        : v instanceof Map || Array.isArray(v)
          ? [...v]
          : typeof v === 'object'
            ? Object.entries(v)
            : null;
    if (!entries) throw new TypeError(`${where}: expected a Map, got ${describe(v)}`);
    return entries.map(([k, x]) => [
      String(k),
      t.json ? (typeof x === 'string' ? x : JSON.stringify(x)) : lower(t.map, x, `${where}.get(${k})`),
    ]);
  }
  throw new Error(`witk runtime: unknown type descriptor ${JSON.stringify(t)}`);
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** jco's value as callers get it. */
export function lift(t, v) {
  if (typeof t === 'string') {
    if (t === 'u64' || t === 's64') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
    if (t === 'json') return parseJson(v);
    return v;
  }
  if (t.typed) return t.array ? Array.from(v, Number) : v;
  if (t.record) {
    const out = {};
    for (const [name, ft] of t.fields) out[name] = lift(ft, v[name]);
    return out;
  }
  if (t.enum) return t.names[t.cases.indexOf(v)];
  if (t.variant) {
    if (t.typedArray) return v.val;
    const c = t.cases.find(([name]) => name === v.tag);
    return c[1] === null ? { tag: v.tag } : { tag: v.tag, val: lift(c[1], v.val) };
  }
  if ('option' in t) return v === undefined || v === null ? null : lift(t.option, v);
  if (t.list) return v.map((x) => lift(t.list, x));
  if (t.tuple) {
    const items = t.tuple.map((tt, i) => lift(tt, v[i]));
    return t.names ? Object.fromEntries(t.names.map((n, i) => [n, items[i]])) : items;
  }
  if (t.map) return new Map(v.map(([k, x]) => [k, t.json ? parseJson(x) : lift(t.map, x)]));
  throw new Error(`witk runtime: unknown type descriptor ${JSON.stringify(t)}`);
}

// ---------------------------------------------------------------------------------------
// Files. A `binary-file` (or `text-file`) parameter takes a path (Node), a File or Blob
// with a name, or { path, data }; the component only ever sees a name and bytes.
// ---------------------------------------------------------------------------------------

const baseName = (p) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
const dirName = (p) => p.slice(0, Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
const isPath = (v) => typeof v === 'string' || (typeof URL !== 'undefined' && v instanceof URL);
const pathText = (v) => (typeof v === 'string' ? v : decodeURIComponent(v.pathname));

function hasFiles(t) {
  if (!t || typeof t !== 'object') return false;
  if (t.file) return true;
  if (t.list) return hasFiles(t.list);
  if ('option' in t) return hasFiles(t.option);
  if (t.tuple) return t.tuple.some(hasFiles);
  if (t.record) return t.fields.some(([, ft]) => hasFiles(ft));
  return false;
}

/**
 * One file input as { path, data }: data a Uint8Array (binary) or a string (text). A path
 * is named by its base name, or as given with `asGiven` (files in a list, as a DICOM
 * series: results that list them, sorted filenames, name them as the caller did).
 */
export async function readFileInput(v, kind = 'binary', where = 'file', asGiven = false) {
  if (isPath(v)) {
    if (!isNode) {
      throw new TypeError(`${where}: a path needs Node; in browsers pass a File, a Blob with a name or { path, data }`);
    }
    const { readFile } = await import('node:fs/promises');
    const buf = await readFile(v);
    const data = kind === 'text' ? buf.toString('utf8') : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    return { path: asGiven ? pathText(v) : baseName(pathText(v)), data };
  }
  if (typeof Blob !== 'undefined' && v instanceof Blob) {
    const data = kind === 'text' ? await v.text() : new Uint8Array(await v.arrayBuffer());
    return { path: v.name ?? 'blob', data };
  }
  if (v && typeof v === 'object' && typeof v.path === 'string' && v.data !== undefined) {
    if (kind === 'text') {
      return { path: v.path, data: typeof v.data === 'string' ? v.data : new TextDecoder().decode(asBytes(v.data)) };
    }
    return { path: v.path, data: asBytes(v.data, `${where}.data`) };
  }
  const how = isNode ? 'a path, ' : '';
  throw new TypeError(`${where}: expected ${how}a File, a Blob with a name or { path, data }, got ${describe(v)}`);
}

/**
 * Read every file input inside a value of type `t`. The buffers of files read here (from
 * a path or a Blob) belong to the call, not the caller: they are added to `owned`, and a
 * worker call moves them instead of copying.
 */
async function readFiles(t, v, where, owned, inList = false) {
  if (!hasFiles(t) || v === undefined || v === null) return v;
  if (t.file) {
    const file = await readFileInput(v, t.file, where, inList);
    if (isPath(v) || (typeof Blob !== 'undefined' && v instanceof Blob)) transferables(file.data, owned);
    return file;
  }
  if (t.list) return Promise.all(Array.from(v, (x, i) => readFiles(t.list, x, `${where}[${i}]`, owned, true)));
  if ('option' in t) return readFiles(t.option, v, where, owned);
  return v;
}

/** Call `fn(file)` for every file record inside jco's value `v` of type `t`. */
function visitFiles(t, v, fn) {
  if (!hasFiles(t) || v === undefined || v === null) return;
  if (t.file) fn(v);
  else if (t.list) v.forEach((x) => visitFiles(t.list, x, fn));
  else if ('option' in t) visitFiles(t.option, v, fn);
  else if (t.tuple) t.tuple.forEach((tt, i) => visitFiles(tt, v[i], fn));
  else if (t.record) t.fields.forEach(([name, ft]) => visitFiles(ft, v[name], fn));
}

// ---------------------------------------------------------------------------------------
// Components and calls.
// ---------------------------------------------------------------------------------------

const compiled = new Map();

/** A compile error that only says which opcode: say which engines have the feature. */
function explainCompileError(e, url) {
  if (e instanceof WebAssembly.CompileError && /not allowed in constant expressions/.test(e.message)) {
    return new WebAssembly.CompileError(
      `${e.message} (${url}): this component needs WebAssembly's extended-const (componentize-py's ` +
        'Python guests do): Node 22+ or node --experimental-wasm-extended-const on Node 20, ' +
        'Chrome 114+, Firefox 112+, Safari 17.4+',
    );
  }
  return e;
}

async function compileCore(url) {
  try {
    return await compileCoreModule(url);
  } catch (e) {
    throw explainCompileError(e, url);
  }
}

async function compileCoreModule(url) {
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

/** Run `api[fn](...args)`, mapping failures; returns the result or throws WitkError. */
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

/**
 * The ArrayBuffers under the typed arrays in `v` that can move to another thread: those a
 * view covers entirely (a partial view, e.g. a Node Buffer from the pool, is copied).
 */
export function transferables(v, out = new Set()) {
  if (ArrayBuffer.isView(v)) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength && b.byteLength > 0) out.add(b);
  } else if (Array.isArray(v)) {
    for (const x of v) transferables(x, out);
  } else if (v instanceof Map) {
    for (const x of v.values()) transferables(x, out);
  } else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) transferables(x, out);
  }
  return out;
}

/** One pipeline package: direct calls on a warm instance, or calls in a worker pool. */
/**
 * Implementations that override pipeline functions (GPU accelerators such as
 * `@witk/downsample-webgpu`), with Python's `witk.function_factory` semantics: the
 * enabled implementation of highest priority runs instead of the component; priorities
 * below 1 disable one. Keys are the WIT package (`'downsample'`) and the JS function name
 * (`'downsampleBinShrink'`). One registry per page or process, shared by every witk
 * package (each carries its own copy of this module). `WITK_ACCELERATORS=none` (Node's
 * environment, or `globalThis.WITK_ACCELERATORS`) turns every override off.
 */
const REGISTRY = (globalThis[Symbol.for('witk.functionFactory')] ??= { byFunction: new Map(), priorities: new Map() });

export const functionFactory = {
  /** Offer `impl(args, options, next)` for `pkg.fn`; `next()` runs the component. */
  register(pkg, fn, impl, priority = 1) {
    if (typeof impl !== 'function') throw new TypeError(`functionFactory.register: ${describe(impl)} is not a function`);
    const key = `${pkg}.${fn}`;
    if (!REGISTRY.byFunction.has(key)) REGISTRY.byFunction.set(key, new Set());
    REGISTRY.byFunction.get(key).add(impl);
    REGISTRY.priorities.set(impl, priority);
  },
  /** Every implementation registered for `pkg.fn` (a Set, possibly empty). */
  lookup(pkg, fn) {
    return new Set(REGISTRY.byFunction.get(`${pkg}.${fn}`) ?? []);
  },
  /** The enabled implementation of highest priority, or null. */
  highestPriority(pkg, fn) {
    if (acceleratorsOff()) return null;
    let best = null;
    for (const f of REGISTRY.byFunction.get(`${pkg}.${fn}`) ?? []) {
      if (best === null || REGISTRY.priorities.get(f) > REGISTRY.priorities.get(best)) best = f;
    }
    return best !== null && REGISTRY.priorities.get(best) >= 1 ? best : null;
  },
  setPriority(impl, priority) {
    if (!REGISTRY.priorities.has(impl)) throw new RangeError('functionFactory.setPriority: not registered');
    REGISTRY.priorities.set(impl, priority);
  },
  getPriority(impl) {
    if (!REGISTRY.priorities.has(impl)) throw new RangeError('functionFactory.getPriority: not registered');
    return REGISTRY.priorities.get(impl);
  },
  /** Disable every implementation of `pkg.fn`: the component runs. */
  disable(pkg, fn) {
    for (const f of REGISTRY.byFunction.get(`${pkg}.${fn}`) ?? []) REGISTRY.priorities.set(f, -1);
  },
};

function acceleratorsOff() {
  const env = isNode ? process.env.WITK_ACCELERATORS : undefined;
  return (env ?? globalThis.WITK_ACCELERATORS) === 'none';
}

export class Pipeline {
  #name;
  #component;
  #worker;
  #companionFiles;
  #instance = null;
  #pool = null;
  #workers = 0;

  /**
   * `component`: { instantiate, coreUrls } of the jco output; `worker`: { url, spawn },
   * where `spawn()` creates the browser Worker with a literal `new Worker(new URL(...))`
   * that bundlers recognise, and `url` is used with Node's worker_threads;
   * `companionFiles`: the function naming the companion files of a file (if any).
   */
  constructor({ name = null, component, worker, companionFiles = null }) {
    this.#name = name;
    this.#component = component;
    this.#worker = worker;
    this.#companionFiles = companionFiles;
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

  /**
   * Compile and instantiate the component now, on this thread or in every worker of the
   * pool, so that the first real call does not wait for it (an app calls this when it
   * starts, while its user is still choosing a file). Resolves when all are ready.
   */
  async warm({ worker = false } = {}) {
    if (!worker) {
      await (this.#instance ??= instantiate(this.#component.instantiate, this.#component.coreUrls));
      return;
    }
    this.#pool ??= new WorkerPool(this.#worker, this.#workers || defaultWorkers());
    await this.#pool.warm();
  }

  /**
   * Call jco's `fn` with jco values, on this thread or in the worker pool; with `transfer`
   * the arguments' buffers move to the worker, and the `owned` ones (the call's own) always do.
   */
  async call(fn, args, { worker = false, transfer = false, owned = null } = {}) {
    if (worker) {
      this.#pool ??= new WorkerPool(this.#worker, this.#workers || defaultWorkers());
      const moving = transferables(args);
      const list = transfer ? [...moving] : owned ? [...moving].filter((b) => owned.has(b)) : [];
      return this.#pool.run(fn, args, list);
    }
    const api = await (this.#instance ??= instantiate(this.#component.instantiate, this.#component.coreUrls));
    try {
      return invoke(api, fn, args);
    } catch (e) {
      if (e.trapped) this.#instance = null; // a trapped instance is never reused
      throw e;
    }
  }

  /**
   * Call a function described by its generated signature:
   * `{ name, params: [{ name, type, default?, companionsOf?, output? }], result }`.
   * `positional` are the parameters without a default, in order; `options` holds the
   * others (by name) and how to run: `worker`, `transfer`, `writeFiles`.
   */
  async run(sig, positional, options = {}) {
    const override = this.#name === null ? null : functionFactory.highestPriority(this.#name, sig.name);
    if (override !== null) return override(positional, options, () => this.#run(sig, positional, options));
    return this.#run(sig, positional, options);
  }

  async #run(sig, positional, options) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`${sig.name}: options must be an object, got ${describe(options)}`);
    }
    const { worker = false, transfer = false, writeFiles = false, companionRoots = [], ...named } = options;
    if (!Array.isArray(companionRoots) || !companionRoots.every(isPath)) {
      throw new TypeError(`${sig.name}: companionRoots must be an array of paths, got ${describe(companionRoots)}`);
    }
    for (const k of Object.keys(named)) {
      if (!sig.params.some((p) => p.name === k && 'default' in p)) {
        throw new TypeError(`${sig.name}: unknown option ${k}`);
      }
    }
    const given = {};
    let i = 0;
    for (const p of sig.params) {
      given[p.name] = 'default' in p ? (named[p.name] !== undefined ? named[p.name] : p.default) : positional[i++];
    }
    const output = sig.params.find((p) => p.output);
    if (writeFiles && !isNode) throw new TypeError(`${sig.name}: writeFiles needs Node`);
    if (writeFiles && !output) throw new TypeError(`${sig.name}: writes no files`);

    const values = {};
    const owned = new Set();
    for (const p of sig.params) {
      values[p.name] = await readFiles(p.type, given[p.name], `${sig.name}: ${p.name}`, owned);
    }
    for (const p of sig.params) {
      if (p.companionsOf && named[p.name] === undefined) {
        values[p.name] = await this.#companions(given[p.companionsOf], values[p.companionsOf], worker, owned, companionRoots);
      }
    }
    const args = sig.params.map((p) => {
      const v = p.output ? baseName(lower('string', values[p.name], `${sig.name}: ${p.name}`)) : values[p.name];
      return lower(p.type, v, `${sig.name}: ${p.name}`);
    });

    const raw = await this.call(sig.name, args, { worker, transfer, owned });

    if (output) {
      // Files come back named relative to the first: put them where the caller named it.
      const target = given[output.name];
      let n = 0;
      const files = [];
      visitFiles(sig.result, raw, (f) => {
        f.path = n++ === 0 ? target : dirName(target) + baseName(f.path);
        files.push(f);
      });
      if (writeFiles) {
        const { writeFile } = await import('node:fs/promises');
        for (const f of files) await writeFile(f.path, f.data);
      }
    }
    return lift(sig.result, raw);
  }

  /**
   * The companion files of `file` (read from the path `source`), read beside it (Node).
   * Companion files are named in a file's header, so `companionFiles` gets the first MiB
   * of a larger file (the whole file if that fails): a large volume is not copied twice.
   * Each must be, after following symlinks, a regular file inside the header's folder or
   * inside one of `roots` (the `companionRoots` option); any other is a WitkError
   * `invalid-argument` naming it, and a missing one an `ENOENT` error.
   */
  async #companions(source, file, worker, owned, roots) {
    if (!this.#companionFiles || !isNode || !isPath(source)) return [];
    const ask = (data) => this.call(this.#companionFiles, [{ path: file.path, data }], { worker });
    let names;
    try {
      names = await (file.data.length > HEADER_BYTES
        ? ask(file.data.slice(0, HEADER_BYTES)).catch(() => ask(file.data))
        : ask(file.data));
    } catch (e) {
      // Not a file it names companions for: the call itself reports why.
      if (e instanceof WitkError && e.code !== 'trap') return [];
      throw e;
    }
    const header = pathText(source);
    const targets = await confineCompanions(header, names, roots, this.#companionFiles);
    return Promise.all(
      names.map(async (name, i) => {
        const data = await readRegularFile(targets[i], header, name, this.#companionFiles);
        transferables(data, owned);
        return { path: baseName(name), data };
      }),
    );
  }
}

/**
 * Where the companion files `names` of the file at `header` are, symlinks resolved: each
 * inside the header's folder or one of `roots`, and a regular file (witk's confinement
 * rule, as the Rust host and the Python bindings apply it). Node only.
 */
async function confineCompanions(header, names, roots, fn) {
  const { realpath, stat } = await import('node:fs/promises');
  const path = await import('node:path');
  const parent = path.dirname(header);
  const folder = await realpath(parent);
  const allowed = [folder];
  for (const r of roots) {
    const real = await realpath(pathText(r)).catch(() => null); // a missing root admits nothing
    if (real !== null) allowed.push(real);
  }
  const inside = (real, root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  const targets = [];
  for (const name of names) {
    const target = path.resolve(parent, name); // an absolute name replaces the folder
    const refuse = (why) =>
      new WitkError('invalid-argument', `${header} names the companion file '${name}', ${why}`, fn);
    const outside = `which is outside the header's folder ${folder}`;
    const rule = 'companion files must be inside it, or in a folder of companionRoots';
    let real;
    try {
      real = await realpath(target);
    } catch (e) {
      if (e?.code !== 'ENOENT') throw e;
      // Missing (or a dangling symlink): refused if its folder is outside, else ENOENT.
      const lexical = await realpath(path.dirname(target)).catch(() => path.dirname(target));
      if (!allowed.some((r) => inside(lexical, r))) {
        throw refuse(`${outside}; ${rule}`);
      }
      throw Object.assign(new Error(`${header} needs ${name}, which is not at ${target}`), { code: e.code, cause: e });
    }
    if (!allowed.some((r) => inside(real, r))) {
      const via = real === target ? '' : ` (it resolves to ${real})`;
      throw refuse(`${outside}${via}; ${rule}`);
    }
    const st = await stat(real); // not open(): opening a FIFO would block
    if (!st.isFile()) throw refuse(`which is not a regular file (${fileKind(st)})`);
    targets.push({ real, st });
  }
  return targets;
}

/**
 * The bytes of a file `confineCompanions` checked, opened by its resolved path (no symlink
 * is followed any more) without blocking on a FIFO swapped in since, and checked again to be
 * that regular file. A folder on the path swapped in between is a race this cannot close.
 */
async function readRegularFile({ real, st }, header, name, fn) {
  const { open } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const handle = await open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const now = await handle.stat();
    if (!now.isFile() || now.ino !== st.ino || now.dev !== st.dev) {
      const why = `${header} names the companion file '${name}', which changed while it was being opened`;
      throw new WitkError('invalid-argument', why, fn);
    }
    const buf = await handle.readFile();
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } finally {
    await handle.close();
  }
}

function fileKind(st) {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a folder';
  if (st.isSocket()) return 'a socket';
  return 'not a plain file';
}

/** What `companionFiles` is given of a large file: headers name companions, pixels do not. */
const HEADER_BYTES = 1 << 20;

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
      // A worker that fails to load or throws outside a call.
      onDeath: (f) => (w.onerror = (e) => f(e.message ?? 'the worker failed')),
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
    onDeath: (f) => {
      w.on('error', (e) => f(String(e?.message ?? e)));
      w.on('exit', (code) => f(`the worker exited (code ${code})`));
    },
    kill: () => w.terminate(),
    hold: (busy) => (busy ? w.ref() : w.unref()),
  };
}

/**
 * A small pool of workers, each with its own instance; requests go to the least busy.
 * No call is left pending: `terminate()` rejects the calls still running with a
 * `terminated` WitkError, and a worker that dies (an error outside a call, an exit, a
 * module that fails to load) rejects its calls with a `trap` one. Its place is filled
 * when the next call needs it, not at once: a worker that cannot start would otherwise
 * be started again and again in a loop; this way each call starts at most one.
 */
class WorkerPool {
  #worker;
  #workers;
  #pending = new Map();
  #next = 0;
  #closed = false;

  constructor(worker, size) {
    this.#worker = worker;
    this.#workers = Array.from({ length: size }, () => this.#start({ busy: 0 }));
  }

  #start(slot) {
    slot.ready = spawn(this.#worker);
    slot.ready.then(
      (w) => {
        w.on((msg) => this.#settle(slot, msg));
        w.onDeath((why) => this.#died(slot, why));
      },
      (e) => this.#died(slot, String(e?.message ?? e)),
    );
    return slot;
  }

  #settle(slot, { id, ok, error }) {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    slot.busy--;
    if (slot.busy === 0) slot.ready.then((w) => w.hold(false));
    if (error) p.reject(Object.assign(new WitkError(error.code, error.message, error.fn), { trapped: error.trapped }));
    else p.resolve(ok);
  }

  /** The error of a call its worker never finished: `terminated` once the pool is closed. */
  #lost(fn, why) {
    const error = this.#closed
      ? new WitkError('terminated', 'the worker pool was terminated before the call finished', fn)
      : new WitkError('trap', why, fn);
    return Object.assign(error, { trapped: true });
  }

  /** Reject what `slot` was running; the next call that picks it starts a new worker there. */
  #died(slot, why) {
    if (slot.dead) return;
    slot.dead = why;
    slot.busy = 0;
    for (const [id, p] of this.#pending) {
      if (p.slot !== slot) continue;
      this.#pending.delete(id);
      p.reject(this.#lost(p.fn, why));
    }
  }

  async run(fn, args, transferList) {
    if (this.#closed) throw this.#lost(fn, 'terminated');
    let slot = this.#workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    if (slot.dead) slot = this.#workers[this.#workers.indexOf(slot)] = this.#start({ busy: 0 });
    slot.busy++;
    const id = this.#next++;
    const w = await slot.ready.catch(() => null);
    // It could not start, or died while this call waited for it.
    if (!w || slot.dead) throw this.#lost(fn, slot.dead || 'the worker did not start');
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, slot, fn });
      w.hold(true);
      w.post({ id, fn, args }, transferList);
    });
  }

  /** Instantiate the component in every worker (a call of no function each: `run`
   * counts a slot busy before it awaits, so each goes to the next idle one). */
  warm() {
    return Promise.all(this.#workers.map(() => this.run(null, [], [])));
  }

  terminate() {
    this.#closed = true;
    for (const slot of this.#workers) {
      slot.ready.then((w) => w.kill(), () => {});
      this.#died(slot, 'terminated');
    }
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
      if (fn === null) return port.post({ id, ok: null }); // warm(): instantiated, nothing to call
      const out = invoke(api, fn, args);
      // The result is fresh memory owned by this worker: hand its buffers over without a copy.
      port.post({ id, ok: out }, [...transferables(out)]);
    } catch (e) {
      if (e.trapped) instance = null;
      port.post({ id, error: { code: e.code ?? 'trap', message: e.detail ?? String(e), fn, trapped: !!e.trapped } });
    }
  });
}
