// Pyodide checks of witk-mesh-io in Chromium: run by bindings/js/test/browser.test.js, which
// finds every components/*/tests/*.pyodide.js and runs each exported test in its one
// Pyodide page (witk's wheels installed), checking for page errors after each.
import assert from 'node:assert/strict';

/** name -> async ({ runPython }) => void; runPython(code) gives the code's JSON result. */
export const tests = {
  "mesh-io on witk.Mesh and witk.PointSet, files in Pyodide's file system": async ({ runPython }) => {
    const r = await runPython(`
import array, json
import witk
from witk_mesh_io import read_mesh_async, read_point_set_async, vtk_poly_data_read_mesh_async, write_mesh_async, write_point_set_async

# Without NumPy: buffers in as array.array or lists, back as flat typed memoryviews.
points = array.array("d", [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1])
cells = array.array("I", [2, 3, 0, 1, 2, 2, 3, 0, 1, 3])
mesh = witk.Mesh(
    meshType=witk.MeshType(pointComponentType="float64", pointPixelComponentType="int16", cellComponentType="uint32"),
    name="tetra", numberOfPoints=4, points=points, numberOfPointPixels=4, pointData=[-3, 0, 7, 300],
    numberOfCells=2, cells=cells, cellBufferSize=10, metadata={"labels": [1, 2]},
)
out = {}
await write_mesh_async(mesh, "/tmp/m.iwm.cbor")
back = await read_mesh_async("/tmp/m.iwm.cbor")
out["mesh"] = {
    "type": [back.meshType.pointComponentType.value, back.meshType.pointPixelComponentType.value,
             back.meshType.cellComponentType.value, back.meshType.pointPixelType.value],
    "counts": [back.numberOfPoints, back.numberOfCells, back.cellBufferSize],
    "formats": [back.points.format, back.pointData.format, back.cells.format],
    "points": list(back.points), "pointData": list(back.pointData), "cells": list(back.cells),
    "name": back.name, "metadata": back.metadata,
}
await write_mesh_async(mesh, "/tmp/m.vtk")
could, vtk = await vtk_poly_data_read_mesh_async("/tmp/m.vtk")
out["vtk"] = [could, list(vtk.cells)]
out["not vtk"] = list(await vtk_poly_data_read_mesh_async("/tmp/m.iwm.cbor"))
ps = witk.PointSet(numberOfPoints=2, points=array.array("f", [0, 1, 2, 3, 4, 5]))
await write_point_set_async(ps, "/tmp/p.ply")
pback = await read_point_set_async("/tmp/p.ply")
out["points"] = [pback.pointSetType.dimension, pback.numberOfPoints, list(pback.points)]
errors = {}
try:
    await write_mesh_async(witk.Mesh(**{**mesh.__dict__, "points": array.array("f", points)}), "/tmp/x.vtk")
except TypeError as e:
    errors["dtype"] = str(e)
try:
    await write_mesh_async(witk.Mesh(**{**mesh.__dict__, "cells": array.array("I", [2, 3, 0, 1, 9])}), "/tmp/x.vtk")
except witk.PipelineError as e:
    errors["cells"] = type(e).__name__
out["errors"] = errors
json.dumps(out)
`);
    assert.deepEqual(r.mesh.type, ['float64', 'int16', 'uint32', 'Scalar']);
    assert.deepEqual(r.mesh.counts, [4, 2, 10]);
    assert.deepEqual(r.mesh.formats, ['d', 'h', 'I']);
    assert.deepEqual(r.mesh.points, [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual(r.mesh.pointData, [-3, 0, 7, 300]);
    assert.deepEqual(r.mesh.cells, [2, 3, 0, 1, 2, 2, 3, 0, 1, 3]);
    assert.equal(r.mesh.name, 'tetra');
    assert.deepEqual(r.mesh.metadata, { labels: [1, 2] });
    assert.deepEqual(r.vtk, [true, [4, 3, 0, 1, 2, 4, 3, 0, 1, 3]]);
    assert.deepEqual(r['not vtk'], [false, null]);
    assert.deepEqual(r.points, [3, 2, [0, 1, 2, 3, 4, 5]]);
    assert.match(r.errors.dtype, /Mesh\.points has 4-byte items .* says float64/);
    assert.equal(r.errors.cells, 'InvalidArgumentError');
  },
};
