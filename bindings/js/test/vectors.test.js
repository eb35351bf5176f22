// Every pipeline's conformance vectors in Node, through its npm package (build/npm):
// byte-identical to the Rust host, and the same WIT error codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { camel, jsOptions, loadVectors, root, vectorFiles } from './vectors.js';

const files = vectorFiles();

test('the vectors of compress-stringify are found', () => {
  assert.ok(files.some((f) => f.package === 'compress-stringify'));
});

for (const { package: pkg, file } of files) {
  const api = await import(`${root}build/npm/${pkg}/index.js`);
  for (const v of loadVectors(file)) {
    test(`${pkg} vector: ${v.name}`, async () => {
      const call = () => api[camel(v.function)](v.input, jsOptions(v.options));
      if (v.host.code) {
        assert.equal(v.host.code, v.error, 'the host fails as the vector says');
        await assert.rejects(call, (e) => e instanceof api.WitkError && e.code === v.error && e.detail.length > 0);
        return;
      }
      assert.equal(v.error, undefined, `the host unexpectedly succeeded on ${v.name}`);
      const out = await call();
      assert.ok(out instanceof Uint8Array);
      assert.deepEqual(Buffer.from(out), Buffer.from(v.host.bytes));
      if (v.expect?.hex !== undefined) assert.equal(Buffer.from(out).toString('hex'), v.expect.hex);
      if (v.expect?.text !== undefined) assert.equal(new TextDecoder().decode(out), v.expect.text);
    });
  }
  api.terminate?.();
}
