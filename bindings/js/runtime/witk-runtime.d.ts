/** A failed witk call: `code` is the WIT error code ("invalid-data", ...) or "trap". */
export class WitkError extends Error {
  readonly code: 'invalid-argument' | 'invalid-data' | 'limit-exceeded' | 'unsupported' | 'internal' | 'trap';
  /** The component's message. */
  readonly detail: string;
  /** The function that failed, in camelCase. */
  readonly function: string;
}

/** Binary input accepted by witk functions; typed arrays are viewed, never copied. */
export type BinaryInput = Uint8Array | ArrayBufferView | ArrayBuffer | string;

/** How a call runs. */
export interface CallOptions {
  /** Run in a worker pool so the calling thread never blocks (default false). */
  worker?: boolean;
  /** With `worker`, transfer the input's ArrayBuffer instead of copying it; the caller's view is detached. */
  transfer?: boolean;
}

export function asBytes(input: BinaryInput, name?: string): Uint8Array;
