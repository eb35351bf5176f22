// Load Pyodide (npm `pyodide`, served locally) in a page and install witk's wheels with
// micropip from the same server: the pure `witk` and the -emscripten and primary packages.
import { readdirSync } from 'node:fs';

export async function startPyodideWithWitk(page, base, root) {
  await page.goto(`${base}/bindings/js/test/browser/pyodide.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 });
  const version = await page.evaluate(() => window.startPyodide());
  const wheels = [
    ...readdirSync(`${root}dist/pyodide`).map((f) => `${base}/dist/pyodide/${f}`),
    ...readdirSync(`${root}dist/python`)
      .filter((f) => f.endsWith('-none-any.whl') && !f.includes('_wasi'))
      .map((f) => `${base}/dist/python/${f}`),
  ];
  const micropip = readdirSync(`${root}build/pyodide-wheels`).find((f) => f.startsWith('micropip-'));
  await page.evaluate(
    async ({ micropipUrl, wheels }) => {
      await window.pyodide.loadPackage(micropipUrl, { checkIntegrity: false });
      const micropip = window.pyodide.pyimport('micropip');
      for (const w of wheels) await micropip.install.callKwargs(w, { deps: false });
    },
    { micropipUrl: `${base}/build/pyodide-wheels/${micropip}`, wheels },
  );
  return version;
}
