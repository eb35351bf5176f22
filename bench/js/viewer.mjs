// The viewer's issue #17 goals in headless Chromium, printed beside them: the first picture
// of a 256³ uint16 NRRD (goal 300 ms), measured two ways: a file picked in the page (the
// page open, its image-io workers warmed while the user chose; from the pick to three drawn
// panels), and ?url= on a fresh page (the download and the components' compilation
// included); a 512³ uint16 file (256 MiB) picked: its preview and its full picture; and
// slice scrolling on 512² slices (a 512 x 512 x 64 volume; goal 60 slices a second: 16.7 ms
// a slice). Run: node bench/js/viewer.mjs after scripts/test.sh (or via scripts/bench.sh).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../bindings/js/node_modules/playwright-core/index.mjs';
import { serve } from '../../bindings/js/test/browser/server.js';
import { FLAGS, CHROMIUM } from '../../bindings/js/test/browser/chromium.js';
import { writeImage } from '../../build/npm/image-io/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = `${root}build/bench`;
mkdirSync(dir, { recursive: true });

async function volume(name, size) {
  const data = new Uint16Array(size[0] * size[1] * size[2]);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 20;
  const image = {
    imageType: { dimension: 3, componentType: 'uint16', pixelType: 'Scalar', components: 1 },
    name, origin: [0, 0, 0], spacing: [1, 1, 1], direction: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]),
    size, metadata: new Map(), data,
  };
  for (const f of await writeImage(image, `${dir}/${name}.nrrd`)) writeFileSync(f.path, f.data);
}

await volume('viewer256', [256, 256, 256]);
await volume('viewer512', [512, 512, 64]);
await volume('viewer512cube', [512, 512, 512]);
const server = await serve(root);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, '--disable-gpu'], headless: true });

async function fresh() {
  const page = await browser.newPage();
  await page.goto(`${base}/bindings/js/viewer/index.html`);
  await page.waitForFunction(() => window.ready === true);
  return page;
}

// First picture: best of 3 fresh pages (each loads the components into its workers anew).
let first = Infinity;
for (let i = 0; i < 3; i++) {
  const page = await fresh();
  const ms = await page.evaluate(async () => {
    const t = performance.now();
    await window.viewer.loadUrl('/build/bench/viewer256.nrrd');
    return performance.now() - t;
  });
  first = Math.min(first, ms);
  await page.close();
}

// A file picked on a page that has warmed its workers (as a user's page has by then).
async function picked(path) {
  const page = await fresh();
  await page.evaluate(() => window.viewer.warmed);
  await page.setInputFiles('#file', path);
  await page.waitForSelector('#status[data-state="shown"]', { timeout: 120_000 });
  const times = await page.evaluate(() => window.viewer.state.times);
  await page.close();
  return times;
}
let pick = Infinity;
for (let i = 0; i < 3; i++) pick = Math.min(pick, (await picked(`${dir}/viewer256.nrrd`)).full);
const large = await picked(`${dir}/viewer512cube.nrrd`);

// Scrolling: every axial slice of the 512² volume once, each drawn and painted (a frame).
const page = await fresh();
await page.evaluate(() => window.viewer.loadUrl('/build/bench/viewer512.nrrd'));
const perSlice = await page.evaluate(async () => {
  const n = window.viewer.state.size[2];
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  await frame();
  const t = performance.now();
  let draw = 0;
  for (let s = 0; s < n; s++) {
    const d = performance.now();
    window.viewer.setSlice(2, s);
    draw += performance.now() - d;
    await frame();
  }
  return { frame: (performance.now() - t) / n, draw: draw / n };
});
await browser.close();
server.close();

console.log(`viewer, first picture of a 256³ uint16 NRRD picked in the page: ${pick.toFixed(0)} ms (goal 300 ms: ${(pick / 300).toFixed(2)}x)`);
console.log(`viewer, first picture of a 256³ uint16 NRRD by ?url= on a fresh page (download, compile): ${first.toFixed(0)} ms (${(first / 300).toFixed(2)}x the goal)`);
console.log(`viewer, a 512³ uint16 NRRD (256 MiB) picked: preview after ${large.preview.toFixed(0)} ms, full resolution after ${large.full.toFixed(0)} ms`);
console.log(
  `viewer, axial slice scrolling on 512²: ${(1000 / perSlice.frame).toFixed(0)} slices a second, one a frame ` +
    `(goal 60); drawing one takes ${perSlice.draw.toFixed(1)} ms of the 16.7 ms a 60 Hz frame has`,
);
