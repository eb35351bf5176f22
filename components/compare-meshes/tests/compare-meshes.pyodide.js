// Pyodide checks of witk-compare-meshes in Chromium: run by
// bindings/js/test/browser.test.js, which finds every components/*/tests/*.pyodide.js and
// runs each exported test in its one Pyodide page, checking for page errors after each.
import assert from 'node:assert/strict';

/** name -> async ({ runPython }) => void; runPython(code) gives the code's JSON result. */
export const tests = {
  'compare-meshes on witk.Mesh, without NumPy': async ({ runPython }) => {
    const r = await runPython(`
import array, json
import witk
from witk_compare_meshes import compare_meshes_async

def tetra(dx=0.0):
    return witk.Mesh(
        meshType=witk.MeshType(cellComponentType="uint32"),
        numberOfPoints=4, points=array.array("f", [0, 0, 0, 1 + dx, 0, 0, 0, 1, 0, 0, 0, 1]),
        numberOfCells=1, cells=array.array("I", [2, 3, 0, 1, 2]), cellBufferSize=5,
    )

metrics, points_diff, _, _ = await compare_meshes_async(tetra(), [tetra(0.5)])
same, _, _, _ = await compare_meshes_async(tetra(), [tetra()])
json.dumps({
    "metrics": [metrics["almostEqual"], metrics["points"]["numberWithDifferences"], metrics["points"]["maximumDifference"]],
    "diff": list(points_diff.pointData),
    "same": same["almostEqual"],
})
`);
    assert.deepEqual(r.metrics, [false, 1, 0.25]);
    assert.deepEqual(r.diff, [0, 0.25, 0, 0]);
    assert.equal(r.same, true);
  },
};
