/**
 * A failed witk call: `code` is the WIT error code ("invalid-data", ...), "trap" (the
 * instance or its worker died), or "terminated" (a worker call still running when the
 * package's `terminate()` stopped its pool).
 */
export class WitkError extends Error {
  readonly code: 'invalid-argument' | 'invalid-data' | 'limit-exceeded' | 'unsupported' | 'internal' | 'trap' | 'terminated';
  /** The component's message. */
  readonly detail: string;
  /** The function that failed, in camelCase. */
  readonly function: string;
}

/** Binary input accepted by witk functions; typed arrays are viewed, never copied. */
export type BinaryInput = Uint8Array | ArrayBufferView | ArrayBuffer | string;

/**
 * A file parameter: in Node a path (string or `file:` URL), read for you; everywhere a
 * `File`, a `Blob` with a name, or `{ path, data }`. The component sees the name and bytes.
 */
export type FileInput = string | URL | Blob | { path: string; data: BinaryInput };

/** Bulk data of images and meshes: the TypedArray of the component type. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** A value that survives JSON (metadata values). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** How a call runs. */
export interface CallOptions {
  /** Run in a worker pool so the calling thread never blocks (default false). */
  worker?: boolean;
  /**
   * With `worker`, transfer the input's ArrayBuffers instead of copying them (those a
   * typed array covers entirely); the caller's views are detached.
   */
  transfer?: boolean;
  /**
   * Node, functions that read the companion files a detached header names (`.nhdr`,
   * `.mhd`, `.hdr` given as a path): folders besides the header's own where those files
   * may be. By default (`[]`) each must be, after following symlinks, a regular file inside
   * the header's folder; any other is a WitkError `invalid-argument`.
   */
  companionRoots?: (string | URL)[];
}

/** Options of functions that return files. */
export interface WriteOptions {
  /** Node: also write the returned files, the first at the given path, the others beside it (default false). */
  writeFiles?: boolean;
}

export function asBytes(input: BinaryInput, name?: string): Uint8Array;

/** An override: the call's positional arguments and options; `next()` runs the component. */
export type Override = (args: unknown[], options: Record<string, unknown>, next: () => Promise<unknown>) => Promise<unknown>;

/**
 * Implementations that override pipeline functions, shared by every witk package in the
 * page or process (Python's `witk.function_factory`). Keys: the WIT package
 * (`'downsample'`) and the JS function name (`'downsampleBinShrink'`).
 */
export declare const functionFactory: {
  register(pkg: string, fn: string, impl: Override, priority?: number): void;
  lookup(pkg: string, fn: string): Set<Override>;
  highestPriority(pkg: string, fn: string): Override | null;
  setPriority(impl: Override, priority: number): void;
  getPriority(impl: Override): number;
  disable(pkg: string, fn: string): void;
};
