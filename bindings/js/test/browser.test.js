// @witk/compress-stringify and witk-compress-stringify in real headless Chromium (Debian's,
// driven by playwright-core), pages served from 127.0.0.1:
//  - the npm package from a plain <script type="module">, main thread and worker mode,
//    byte-identical to the Rust host on every conformance vector;
//  - a 64 MiB call in worker mode leaves the main thread responsive;
//  - @witk/image-io reads a File and writes and reads back a detached header (worker too);
//  - Pyodide (npm `pyodide`) installs our wheels with micropip from this server;
//    `await compress_stringify_async(...)` gives the host's bytes, and the image pipelines
//    (image-io, compare-images, downsample) run on witk.Image objects and files in
//    Pyodide's file system through their npm packages (one Pyodide page for all of them),
//    and every pipeline's own checks from components/*/tests/*.pyodide.js;
//  - a page that imports the package by name, bundled by Vite, works (main thread + worker);
//  - the demo page works and is screenshotted (build/artifacts/demo.png).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { launchChromium } from './browser/chromium.js';
import { serve } from './browser/server.js';
import { startPyodideWithWitk } from './browser/pyodide.js';
import { jsOptions, loadVectors, root } from './vectors.js';

const b64 = (u8) => Buffer.from(u8).toString('base64');
const vectors = loadVectors().map((v) => ({
  name: v.name,
  function: v.function,
  options: v.options,
  input: b64(v.input),
  host: v.host.code ? { code: v.host.code } : { b64: b64(v.host.bytes) },
}));

let server, browser, base;

before(async () => {
  server = await serve(root);
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
});

after(async () => {
  await pyodide?.then(({ page }) => page.close()).catch(() => {});
  await browser?.close();
  server?.close();
});

async function openPage(path) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + path);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 });
  return { page, errors };
}

/** Run every vector in the page; returns [{ name, b64 } | { name, code }]. */
function runVectorsInPage(page, worker) {
  return page.evaluate(
    async ({ vectors, worker }) => {
      const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
      const toB64 = (u8) => {
        let s = '';
        for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
        return btoa(s);
      };
      const camel = (s) => s.replace(/[-_]([a-z])/g, (_, c) => c.toUpperCase());
      const out = [];
      for (const v of vectors) {
        const options = Object.fromEntries(Object.entries(v.options).map(([k, x]) => [camel(k), x]));
        try {
          const r = await window.cs[camel(v.function)](fromB64(v.input), { ...options, worker });
          out.push({ name: v.name, b64: toB64(r) });
        } catch (e) {
          out.push({ name: v.name, code: e.code ?? `not a WitkError: ${e}` });
        }
      }
      return out;
    },
    { vectors, worker },
  );
}

function assertSameAsHost(results) {
  assert.equal(results.length, vectors.length);
  for (const [i, r] of results.entries()) {
    const host = vectors[i].host;
    if (host.code) assert.equal(r.code, host.code, `${r.name}: error code`);
    else assert.equal(r.b64, host.b64, `${r.name}: bytes differ from the Rust host`);
  }
}

test('npm package in Chromium, main thread: byte-identical to the host', async () => {
  const { page, errors } = await openPage('/bindings/js/test/browser/page.html');
  assertSameAsHost(await runVectorsInPage(page, false));
  assert.deepEqual(errors, []);
  await page.close();
});

test('npm package in Chromium, Web Worker pool: byte-identical to the host', async () => {
  const { page, errors } = await openPage('/bindings/js/test/browser/page.html');
  assertSameAsHost(await runVectorsInPage(page, true));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a 64 MiB call in worker mode leaves the main thread responsive', async () => {
  const { page } = await openPage('/bindings/js/test/browser/page.html');
  const r = await page.evaluate(async () => {
    const make = () => {
      // Noisy, barely compressible bytes: zstd works for hundreds of milliseconds.
      const data = new Uint8Array(64 << 20);
      let x = 2463534242;
      for (let i = 0; i < data.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        data[i] = (x & 0x3f) + (i >> 20);
      }
      return data;
    };
    const measure = async (worker) => {
      const data = make();
      await window.cs.compressStringify(new Uint8Array(16), { worker }); // warm up
      let ticks = 0;
      let maxGap = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        ticks++;
      }, 10);
      const t0 = performance.now();
      const out = await window.cs.compressStringify(data, { worker, transfer: worker });
      const elapsed = performance.now() - t0;
      clearInterval(timer);
      maxGap = Math.max(maxGap, performance.now() - last);
      return { ticks, maxGap, elapsed, size: out.length };
    };
    return { worker: await measure(true), main: await measure(false) };
  });
  console.log(`64 MiB compress: worker ${JSON.stringify(r.worker)}; main thread ${JSON.stringify(r.main)}`);
  assert.ok(r.worker.size > 0 && r.worker.size === r.main.size);
  assert.ok(r.worker.maxGap < 150, `main thread stalled ${r.worker.maxGap.toFixed(0)} ms during the worker call`);
  assert.ok(r.worker.ticks >= Math.floor(r.worker.elapsed / 10 / 3), `only ${r.worker.ticks} timer ticks arrived`);
  await page.close();
});

test('@witk/image-io in Chromium: a File read, written as .nhdr + .raw.gz, read back (main thread and worker)', async () => {
  const { page, errors } = await openPage('/bindings/js/test/browser/page.html');
  const r = await page.evaluate(async () => {
    const io = window.io;
    const bytes = new Uint8Array(await (await fetch('/data/phantom.nrrd')).arrayBuffer());
    const image = await io.readImage(new File([bytes], 'phantom.nrrd'));
    const files = await io.writeImage(image, 'phantom.nhdr', { useCompression: true, worker: true });
    const back = await io.readImage(files[0], { companions: [files[1]], worker: true, transfer: true });
    const failure = await io.readImage(new File([bytes.subarray(0, 500)], 'cut.nrrd')).catch((e) => e);
    const path = await io.readImage('phantom.nrrd').catch((e) => e);
    return {
      type: image.imageType,
      size: back.size,
      spacing: back.spacing,
      origin: back.origin,
      data: back.data.constructor.name,
      same: back.data.length === image.data.length && back.data.every((v, i) => v === image.data[i]),
      paths: files.map((f) => f.path),
      detached: files[0].data.byteLength,
      failure: [failure.name, failure.code, failure.message],
      path: [path.name, path.message],
    };
  });
  assert.deepEqual(r.type, { dimension: 3, componentType: 'uint8', pixelType: 'Scalar', components: 1 });
  assert.deepEqual(r.size, [64, 64, 64]);
  assert.deepEqual(r.spacing, [3, 3, 3]);
  assert.deepEqual(r.origin, [-94.5, -94.5, -94.5]);
  assert.equal(r.data, 'Uint8Array');
  assert.ok(r.same, 'pixels survive the round trip');
  assert.deepEqual(r.paths, ['phantom.nhdr', 'phantom.raw.gz']);
  assert.equal(r.detached, 0, 'the header was transferred to the worker');
  assert.equal(r.failure[0], 'WitkError');
  assert.equal(r.failure[1], 'invalid-data');
  assert.match(r.failure[2], /cut\.nrrd/);
  assert.equal(r.path[0], 'TypeError');
  assert.match(r.path[1], /a path needs Node/);
  assert.deepEqual(errors, []);
  await page.close();
});

/** One Pyodide page with our wheels installed, shared by the Pyodide tests (it takes seconds to start). */
let pyodide;
function pyodidePage() {
  pyodide ??= (async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const version = await startPyodideWithWitk(page, base, root);
    return { page, errors, version };
  })();
  return pyodide;
}

/** Run Python in the shared Pyodide page; it returns JSON text, parsed here. */
async function runPython(code, globals = {}) {
  const { page } = await pyodidePage();
  return JSON.parse(
    await page.evaluate(
      async ({ code, globals }) => {
        for (const [k, v] of Object.entries(globals)) window.pyodide.globals.set(k, v);
        return window.pyodide.runPythonAsync(code);
      },
      { code, globals },
    ),
  );
}

test('Pyodide: micropip installs our wheels; compress_stringify_async matches the host', async () => {
  const { page, errors, version } = await pyodidePage();
  const results = await page.evaluate(async (vectors) => {
    window.pyodide.globals.set('vectors_json', JSON.stringify(vectors));
    return JSON.parse(
      await window.pyodide.runPythonAsync(`
import base64, json, sys
import witk
from witk_compress_stringify import compress_stringify_async, parse_string_decompress_async
assert sys.platform == "emscripten"
functions = {"compress-stringify": compress_stringify_async, "parse-string-decompress": parse_string_decompress_async}
out = []
for v in json.loads(vectors_json):
    try:
        r = await functions[v["function"]](base64.b64decode(v["input"]), **v["options"])
        out.append({"name": v["name"], "b64": base64.b64encode(r).decode()})
    except witk.PipelineError as e:
        out.append({"name": v["name"], "code": e.code})
json.dumps(out)
`),
    );
  }, vectors);
  console.log(`Pyodide ${version}: ${results.length} vectors`);
  assertSameAsHost(results);
  assert.deepEqual(errors, []);
});

// ITK-Wasm's compare_images metrics, and ours (bestBaselineIndex) after them.
const METRIC_KEYS = [
  'almostEqual',
  'numberOfPixelsWithDifferences',
  'minimumDifference',
  'maximumDifference',
  'totalDifference',
  'meanDifference',
  'bestBaselineIndex',
];

test('Pyodide: image-io and compare-images on witk.Image and files in Pyodide\'s file system', async () => {
  const started = performance.now();
  const { errors } = await pyodidePage();
  const r = await runPython(`
import array, json, os
import witk
from witk_compare_images import compare_images_async
from witk_image_io import nrrd_read_image_async, read_image_async, write_image_async

# No NumPy in this Pyodide (it is not on npm): pixels are typed buffers, and come back as
# shaped memoryviews (NumPy arrays where NumPy is installed).
pixels = array.array("H", [(37 * i) % 1000 for i in range(5 * 4 * 3)])
image = witk.Image(
    imageType=witk.ImageType(dimension=3, componentType="uint16"),
    size=[5, 4, 3],
    origin=[1.0, -2.0, 3.5],
    spacing=[0.5, 1.0, 2.0],
    direction=[0.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0],
    data=pixels,
)
out = {}
await write_image_async(image, "/tmp/x.nrrd")
back = await read_image_async("/tmp/x.nrrd")
out["read"] = {
    "type": [back.imageType.dimension, back.imageType.componentType.value, back.imageType.pixelType.value],
    "size": back.size, "origin": back.origin, "spacing": back.spacing, "direction": list(back.direction),
    "shape": list(back.data.shape), "format": back.data.format, "same": bytes(back.data) == pixels.tobytes(),
}
could, nrrd = await nrrd_read_image_async("/tmp/x.nrrd")
out["nrrd"] = [could, nrrd.size, bytes(nrrd.data) == pixels.tobytes()]
await write_image_async(image, "/tmp/x.mha")
out["not nrrd"] = list(await nrrd_read_image_async("/tmp/x.mha"))

os.makedirs("/tmp/detached", exist_ok=True)
await write_image_async(image, "/tmp/detached/x.nhdr", use_compression=True)
detached = await read_image_async("/tmp/detached/x.nhdr")
out["detached"] = [sorted(os.listdir("/tmp/detached")), bytes(detached.data) == pixels.tobytes()]

metrics, difference, rendering = await compare_images_async(back, [image])
out["equal"] = [list(metrics), metrics["almostEqual"], metrics["numberOfPixelsWithDifferences"]]
changed = array.array("H", pixels)
changed[7] += 100
other = witk.Image(**{**image.__dict__, "data": changed})
metrics, difference, rendering = await compare_images_async(other, [image])
out["different"] = [metrics, difference.imageType.componentType.value, difference.size, rendering.size]

errors = {}
with open("/tmp/x.nrrd", "rb") as f:
    head = f.read(60)
with open("/tmp/bad.nrrd", "wb") as f:
    f.write(head)
for name, path in [("truncated", "/tmp/bad.nrrd"), ("missing", "/tmp/none.nrrd")]:
    try:
        await read_image_async(path)
        errors[name] = "no error"
    except Exception as e:
        errors[name] = [type(e).__name__, isinstance(e, witk.PipelineError), str(e)]
os.remove("/tmp/detached/x.raw.gz")
try:
    await read_image_async("/tmp/detached/x.nhdr")
except FileNotFoundError as e:
    errors["companion"] = str(e)
out["errors"] = errors
json.dumps(out)
`);
  assert.deepEqual(r.read.type, [3, 'uint16', 'Scalar']);
  assert.deepEqual(r.read.size, [5, 4, 3]);
  assert.deepEqual(r.read.origin, [1, -2, 3.5]);
  assert.deepEqual(r.read.spacing, [0.5, 1, 2]);
  assert.deepEqual(r.read.direction, [0, -1, 0, 1, 0, 0, 0, 0, 1]);
  assert.deepEqual(r.read.shape, [3, 4, 5]);
  assert.equal(r.read.format, 'H');
  assert.ok(r.read.same, 'pixels survive the NRRD round trip');
  assert.deepEqual(r.nrrd, [true, [5, 4, 3], true]);
  assert.deepEqual(r['not nrrd'], [false, null]);
  assert.deepEqual(r.detached, [['x.nhdr', 'x.raw.gz'], true]);
  assert.deepEqual(r.equal, [METRIC_KEYS, true, 0]);
  const [metrics, differenceType, differenceSize, renderingSize] = r.different;
  assert.deepEqual(Object.keys(metrics), METRIC_KEYS);
  assert.equal(metrics.almostEqual, false);
  assert.equal(metrics.numberOfPixelsWithDifferences, 1);
  assert.equal(metrics.maximumDifference, 100);
  assert.equal(metrics.meanDifference, 100);
  assert.equal(differenceType, 'float64');
  assert.deepEqual(differenceSize, [5, 4, 3]);
  assert.deepEqual(renderingSize, [5, 4]);
  assert.deepEqual(r.errors.truncated.slice(0, 2), ['InvalidDataError', true]);
  assert.match(r.errors.truncated[2], /^read-image: bad\.nrrd: /);
  assert.deepEqual(r.errors.missing.slice(0, 2), ['FileNotFoundError', false]);
  assert.match(r.errors.companion, /x\.nhdr needs x\.raw\.gz/);
  assert.deepEqual(errors, []);
  console.log(`Pyodide image-io + compare-images: ${(performance.now() - started).toFixed(0)} ms`);
});

test('Pyodide: downsample on a witk.Image', async (t) => {
  const wheel = readdirSync(`${root}dist/python`).find((f) => f.startsWith('witk_downsample_emscripten-'));
  if (!wheel) {
    t.skip('witk-downsample-emscripten is not built (no downsample component yet): run scripts/build-python.sh');
    return;
  }
  const r = await runPython(`
import array, json
import witk
from witk_downsample import downsample_bin_shrink_async, downsample_sigma_async

size = [6, 4, 2]
pixels = array.array("f", [float((13 * i) % 50) for i in range(6 * 4 * 2)])
image = witk.Image(
    imageType=witk.ImageType(dimension=3, componentType="float32"),
    size=size, origin=[1.0, -2.0, 3.5], spacing=[0.5, 1.0, 2.0], data=pixels,
)
small = await downsample_bin_shrink_async(image, [2, 2, 1])
# Each output pixel is the mean of a 2 x 2 x 1 block.
expected = [
    sum(pixels[(z * 4 + 2 * y + dy) * 6 + 2 * x + dx] for dy in (0, 1) for dx in (0, 1)) / 4
    for z in range(2) for y in range(2) for x in range(3)
]
try:
    await downsample_bin_shrink_async(image, [0, 1, 1])
    error = "no error"
except witk.PipelineError as e:
    error = type(e).__name__
json.dumps({
    "size": small.size, "spacing": small.spacing, "origin": small.origin, "shape": list(small.data.shape),
    "max error": max(abs(a - b) for a, b in zip(small.data.cast("B").cast("f"), expected)),
    "sigma": await downsample_sigma_async([1, 2]), "error": error,
})
`);
  assert.deepEqual(r.size, [3, 2, 2]);
  assert.deepEqual(r.spacing, [1, 2, 2]);
  assert.deepEqual(r.origin, [1.25, -1.5, 3.5]);
  assert.deepEqual(r.shape, [2, 2, 3]);
  assert.ok(r['max error'] < 1e-5, `bin shrink means differ by ${r['max error']}`);
  assert.equal(r.sigma.length, 2);
  assert.equal(r.sigma[0], 0);
  assert.ok(r.sigma[1] > 0);
  assert.equal(r.error, 'InvalidArgumentError');
});

// Each pipeline's own Pyodide checks (components/<name>/tests/*.pyodide.js), found by
// looking, so a new pipeline adds its browser tests without editing this file.
for (const name of readdirSync(`${root}components`).sort()) {
  const folder = `${root}components/${name}/tests`;
  if (!existsSync(folder)) continue;
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.pyodide.js')).sort()) {
    const { tests } = await import(`${folder}/${file}`);
    for (const [title, run] of Object.entries(tests)) {
      test(`Pyodide: ${title}`, async () => {
        const { errors } = await pyodidePage();
        await run({ runPython });
        assert.deepEqual(errors, []);
      });
    }
  }
}

test('demo page: drop a file, compress, show sizes and the data URL (screenshot kept)', async () => {
  const { page, errors } = await openPage('/bindings/js/demo/index.html');
  await page.setInputFiles('#file', `${root}data/phantom.nrrd`);
  await page.waitForSelector('#result[data-done="true"]', { timeout: 30_000 });
  const text = await page.textContent('#result');
  assert.match(text, /262 384 bytes/);
  assert.match(text, /data:application\/zstd;base64,KLUv/);
  assert.match(text, /round trip: identical/);
  mkdirSync(`${root}build/artifacts`, { recursive: true });
  await page.screenshot({ path: `${root}build/artifacts/demo.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a Vite production bundle of a page importing @witk/compress-stringify works', async () => {
  const vite = new URL('../node_modules/vite/bin/vite.js', import.meta.url).pathname;
  execFileSync(process.execPath, [vite, 'build', '-c', new URL('./bundler/vite.config.js', import.meta.url).pathname], {
    stdio: 'pipe',
  });
  const { page, errors } = await openPage('/build/vite-page/index.html');
  const r = await page.evaluate(() => window.run());
  assert.equal(r.url, 'data:application/zstd;base64,KLUv/SADGQAAISw3');
  assert.equal(r.worker, r.url);
  assert.deepEqual(r.back, [33, 44, 55]);
  assert.equal(r.code, 'invalid-data');
  assert.deepEqual(errors, []);
  await page.close();
});
