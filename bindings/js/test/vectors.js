// Every pipeline's conformance vectors (components/<pipeline>/vectors/*.json), with the
// Rust host's answers computed by running the `witk` CLI, so every JavaScript environment
// is compared to the host. Options are WIT parameter names in snake case: the CLI gets
// `--flag` for a true boolean and `--name=value` for the others.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
  const args = [c.function];
  for (const [name, value] of Object.entries(c.options)) {
    const flag = `--${name.replaceAll('_', '-')}`;
    if (value === true) args.push(flag);
    else if (value !== false) args.push(`${flag}=${value}`);
  }
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

/** The vector files of every pipeline: [{ package, file }]. */
export function vectorFiles() {
  const files = [];
  for (const pipeline of readdirSync(`${root}components`).sort()) {
    let names = [];
    try {
      names = readdirSync(`${root}components/${pipeline}/vectors`).filter((n) => n.endsWith('.json')).sort();
    } catch {
      continue; // a pipeline without vectors
    }
    for (const n of names) files.push({ package: pipeline, file: `${root}components/${pipeline}/vectors/${n}` });
  }
  return files;
}

/** Every case of a vector file (default: compress-stringify's) with its input and the host's result. */
export function loadVectors(file = `${root}components/compress-stringify/vectors/compress-stringify.json`) {
  const { cases } = JSON.parse(readFileSync(file, 'utf8'));
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
