/** An override: the call's arguments and options; `next()` runs the component. */
export type Override = (args: unknown[], options: Record<string, unknown>, next: () => Promise<unknown>) => Promise<unknown>;

/** The adapter the overrides run on, or null when there is none. */
export declare function adapter(): Promise<string | null>;
/** Why the last call ran on the component instead (null when it ran on the GPU). */
export declare function lastFallback(): string | null;
/** The overrides as registered with @witk/downsample's functionFactory (priority 10). */
export declare const overrides: {
  downsample: Override;
  downsampleBinShrink: Override;
  downsampleLabelImage: Override;
};
