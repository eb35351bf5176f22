// Pyodide checks of witk-transform-io in Chromium: run by bindings/js/test/browser.test.js, which
// finds every components/*/tests/*.pyodide.js and runs each exported test in its one
// Pyodide page (witk's wheels installed), checking for page errors after each.
import assert from 'node:assert/strict';

/** name -> async ({ runPython }) => void; runPython(code) gives the code's JSON result. */
export const tests = {
  "transform-io on witk.Transform lists, files in Pyodide's file system": async ({ runPython }) => {
    const r = await runPython(`
import array, json
import witk
from witk_transform_io import read_transform_async, txt_read_transform_async, write_transform_async

# Without NumPy: parameters in as array.array or lists, back as flat typed memoryviews.
euler = witk.Transform(
    transformType=witk.TransformType("Euler3D"), numberOfFixedParameters=4, numberOfParameters=6,
    fixedParameters=[1, 2, 3, 0], parameters=array.array("d", [0.1, 0.2, 0.3, 4, 5, 6]),
)
head = witk.Transform(transformType=witk.TransformType(witk.TransformParameterizations.Composite))
floats = witk.Transform(**{**euler.__dict__, "transformType": witk.TransformType("Euler3D", "float32"),
                           "parameters": array.array("f", [0.5, 0, 0, 1, 2, 3])})
out = {}
await write_transform_async([head, euler], "/tmp/c.h5")
back = await read_transform_async("/tmp/c.h5")
out["composite"] = [
    [t.transformType.transformParameterization.value, t.transformType.parametersValueType.value,
     t.parameters.format, list(t.parameters), t.fixedParameters.format, list(t.fixedParameters)]
    for t in back
]
await write_transform_async([floats], "/tmp/f.tfm", float_parameters=True)
could, f = await txt_read_transform_async("/tmp/f.tfm", float_parameters=True)
out["float"] = [could, f[0].parameters.format, list(f[0].parameters)]
out["not txt"] = list(await txt_read_transform_async("/tmp/c.h5"))
errors = {}
try:
    await write_transform_async([witk.Transform(**{**euler.__dict__, "parameters": array.array("f", [0] * 6)})], "/tmp/x.tfm")
except TypeError as e:
    errors["dtype"] = str(e)
try:
    await write_transform_async([], "/tmp/x.tfm")
except witk.PipelineError as e:
    errors["empty"] = type(e).__name__
out["errors"] = errors
json.dumps(out)
`);
    assert.deepEqual(r.composite, [
      ['Composite', 'float64', 'd', [], 'd', []],
      ['Euler3D', 'float64', 'd', [0.1, 0.2, 0.3, 4, 5, 6], 'd', [1, 2, 3, 0]],
    ]);
    assert.deepEqual(r.float, [true, 'f', [0.5, 0, 0, 1, 2, 3]]);
    assert.deepEqual(r['not txt'], [false, null]);
    assert.match(r.errors.dtype, /Transform\.parameters has 4-byte items .* says float64/);
    assert.equal(r.errors.empty, 'InvalidArgumentError');
  },
};
