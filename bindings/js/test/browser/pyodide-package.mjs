// `node pyodide-package.mjs WHEELS MODULE`: Pyodide in headless Chromium with witk's wheels
// (as browser.test.js installs them) plus the wheels in WHEELS (a folder under the
// repository: a pipeline project's `witk-NAME` and `witk-NAME-emscripten`, built from what
// `witk bindgen` generated), then MODULE's histogram and binary-threshold on a 16 x 16 ramp,
// awaited from Python. Prints the results as JSON (tests/python/test_sdk_guide.py).
import { readdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { withPage } from './chromium.js';
import { startPyodideWithWitk } from './pyodide.js';
import { root } from '../vectors.js';

const [wheels, module] = process.argv.slice(2);
const result = await withPage(root, async (page, base) => {
  await startPyodideWithWitk(page, base, root);
  const urls = readdirSync(wheels).map((f) => `${base}/${relative(root, resolve(wheels, f))}`);
  return page.evaluate(
    async ({ urls, module }) => {
      const micropip = window.pyodide.pyimport('micropip');
      for (const u of urls) await micropip.install.callKwargs(u, { deps: false });
      window.pyodide.globals.set('module', module);
      return window.pyodide.runPythonAsync(`
import array, importlib, json, sys
import witk
m = importlib.import_module(module)
image = witk.Image(imageType=witk.ImageType(dimension=2, componentType="uint8"), size=[16, 16],
                   origin=[0.0, 0.0], spacing=[1.0, 1.0], direction=[1.0, 0.0, 0.0, 1.0],
                   data=array.array("B", range(256)))
histogram = list(await m.histogram_async(image, bins=5))
mask = await m.binary_threshold_async(image, lower=100, upper=199, inside_value=9)
try:
    await m.histogram_async(image, bins=0)
    error = None
except witk.InvalidArgumentError as e:
    error = type(e).__name__
json.dumps({"platform": sys.platform, "histogram": histogram, "mask": list(bytes(mask.data)),
            "size": list(mask.size), "error": error})
`);
    },
    { urls, module },
  );
});
console.log(result);
