// The shared conformance vectors (tests/vectors/), with the Rust host's answers computed
// by running the `witk` CLI, so every JavaScript environment is compared to the host.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
const witk = process.env.WITK_BIN ?? `${root}target/release/witk`;

export function materialize(input) {
  if ('hex' in input) return Uint8Array.from(Buffer.from(input.hex, 'hex'));
  if ('text' in input) return new TextEncoder().encode(input.text);
  if ('file' in input) return new Uint8Array(readFileSync(root + input.file));
  if ('pattern' in input) return new Uint8Array(input.pattern.count).fill(input.pattern.byte);
  if ('ramp' in input) return Uint8Array.from({ length: input.ramp }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
  throw new Error(`unknown input ${JSON.stringify(input)}`);
}

function cliArgs(c) {
  const o = c.options;
  const args = [c.function];
  if (o.stringify) args.push('--stringify');
  if (o.parse_string) args.push('--parse-string');
  if (o.compression_level !== undefined) args.push(`--level=${o.compression_level}`);
  if (o.data_url_prefix !== undefined) args.push(`--data-url-prefix=${o.data_url_prefix}`);
  return [...args, '-', '-'];
}

/** The Rust host's result for a case: { bytes } or { code }. */
export function hostResult(c, input) {
  try {
    return { bytes: new Uint8Array(execFileSync(witk, cliArgs(c), { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] })) };
  } catch (e) {
    const m = /^witk: error: [a-z-]+: ([a-z-]+): /.exec(String(e.stderr));
    if (e.status !== 1 || !m) throw new Error(`witk CLI failed unexpectedly for ${c.name}: ${e.stderr}`);
    return { code: m[1] };
  }
}

/** Every case with its input and the host's result. */
export function loadVectors(name = 'compress-stringify') {
  const { cases } = JSON.parse(readFileSync(`${root}tests/vectors/${name}.json`, 'utf8'));
  return cases.map((c) => {
    const input = materialize(c.input);
    return { ...c, input, host: hostResult(c, input) };
  });
}

/** JavaScript options object of a case (snake_case → camelCase). */
export function jsOptions(options) {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]));
}

export const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
