// Pyodide checks of witk-mesh-to-poly-data in Chromium: run by
// bindings/js/test/browser.test.js, which finds every components/*/tests/*.pyodide.js and
// runs each exported test in its one Pyodide page, checking for page errors after each.
import assert from 'node:assert/strict';

/** name -> async ({ runPython }) => void; runPython(code) gives the code's JSON result. */
export const tests = {
  'mesh-to-poly-data on witk.Mesh, without NumPy': async ({ runPython }) => {
    const r = await runPython(`
import array, json
import witk
from witk_mesh_to_poly_data import mesh_to_poly_data_async, poly_data_to_mesh_async

mesh = witk.Mesh(
    meshType=witk.MeshType(cellComponentType="uint32"),
    numberOfPoints=4, points=array.array("f", [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
    numberOfCells=2, cells=array.array("I", [0, 1, 3, 2, 3, 0, 1, 2]), cellBufferSize=8,
    numberOfCellPixels=2, cellData=array.array("f", [5, 6]),
)
poly = await mesh_to_poly_data_async(mesh)
back = await poly_data_to_mesh_async(poly)
json.dumps({
    "poly": [list(poly.vertices), list(poly.polygons), list(poly.cellData), poly.numberOfPoints],
    "back": list(back.cells),
})
`);
    assert.deepEqual(r.poly, [[1, 3], [3, 0, 1, 2], [5, 6], 4]);
    assert.deepEqual(r.back, [0, 1, 3, 2, 3, 0, 1, 2]);
  },
};
