// `node call-package.mjs PROJECT NAME`: the npm package `witk bindgen` generated for a
// pipeline project (PROJECT/bindings/npm/NAME), imported by a page in headless Chromium
// (served from 127.0.0.1) and called on a 16 x 16 ramp: prints the results as JSON.
// tests/python/test_sdk_guide.py runs it on the guide's two pipelines.
import { withPage } from './chromium.js';

const [project, name] = process.argv.slice(2);
const result = await withPage(project, async (page, base) => {
  await page.route(`${base}/page.html`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>witk</title>' }));
  await page.goto(`${base}/page.html`);
  return page.evaluate(async (url) => {
    const m = await import(url);
    const image = {
      imageType: { dimension: 2, componentType: 'uint8', pixelType: 'Scalar', components: 1 },
      name: 'ramp', origin: [0, 0], spacing: [1, 1], direction: new Float64Array([1, 0, 0, 1]),
      size: [16, 16], metadata: new Map(), data: Uint8Array.from({ length: 256 }, (_, i) => i),
    };
    const histogram = [...(await m.histogram(image, { bins: 5 }))].map(Number);
    const mask = await m.binaryThreshold(image, { lower: 100, upper: 199, insideValue: 9 });
    let error = null;
    try {
      await m.histogram(image, { bins: 0 });
    } catch (e) {
      error = `${e.name}: ${e.code}`;
    }
    return { histogram, mask: [...mask.data], size: [...mask.size].map(Number), error, agent: navigator.userAgent };
  }, `${base}/bindings/npm/${name}/index.js`);
});
console.log(JSON.stringify(result));
