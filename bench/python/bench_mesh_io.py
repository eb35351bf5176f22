"""Reading and writing a large surface: witk-mesh-io against meshio, trimesh and ITK-Wasm's
itkwasm-mesh-io, each step in a fresh process; time and peak memory beyond the process's
start, in copies of the mesh's arrays (float32 points, ITK's uint32 cell buffer). The
surface, a noisy icosphere (default 8 subdivisions: 1,310,720 triangles), is made here.
witk's one-time component load per process is done before timing (as the peers'
imports are) and printed beside. Run `.venv/bin/python bench/python/bench_mesh_io.py
[SUBDIVISIONS]`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

STEP = r"""
import json, sys, time
import numpy as np
path, who, op = sys.argv[1], sys.argv[2], sys.argv[3]
def status_mib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
def rss_mib():
    return status_mib("VmRSS:")
if op == "write":
    data = np.load(path + ".npz")
    points, faces = data["points"], data["faces"]
if who == "witk":
    import witk, witk_mesh_io
    if op == "write":
        cells = np.empty((len(faces), 5), np.uint32)
        cells[:, 0], cells[:, 1], cells[:, 2:] = 2, 3, faces
        mesh = witk.mesh_from_arrays(points, cells.ravel())
elif who == "itkwasm":
    import itkwasm, itkwasm_mesh_io
    if op == "write":
        cells = np.empty((len(faces), 5), np.uint32)
        cells[:, 0], cells[:, 1], cells[:, 2:] = 2, 3, faces
        mt = itkwasm.MeshType(dimension=3, pointComponentType="float32", cellComponentType="uint32")
        mesh = itkwasm.Mesh(meshType=mt, numberOfPoints=len(points), points=points.ravel(),
                            numberOfCells=len(faces), cells=cells.ravel(), cellBufferSize=cells.size)
elif who == "meshio":
    import meshio
    if op == "write":
        mesh = meshio.Mesh(points, [("triangle", faces)])
else:
    import trimesh
    if op == "write":
        mesh = trimesh.Trimesh(points, faces, process=False)
# witk's first call in a process loads the component (its compiled code from the cache):
# done here, as the peers' imports are, and reported as "load".
load = 0.0
if who == "witk":
    import tempfile, os
    tiny = os.path.join(tempfile.mkdtemp(), "tiny.obj")
    with open(tiny, "w") as f:
        f.write("v 0 0 0\n")
    t = time.perf_counter()
    witk_mesh_io.read_mesh(tiny)
    load = time.perf_counter() - t
base = rss_mib()
def step():
    global m
    if op == "read":
        if who == "witk":
            m = witk_mesh_io.read_mesh(path); n = m.numberOfCells
        elif who == "itkwasm":
            m = itkwasm_mesh_io.read_mesh(path); n = m.numberOfCells
        elif who == "meshio":
            m = meshio.read(path); n = sum(len(c.data) for c in m.cells)
        else:
            m = trimesh.load(path, process=False); n = len(m.faces)
    else:
        out = path + ".out" + path[path.rindex("."):]
        if who == "witk":
            witk_mesh_io.write_mesh(mesh, out, binary_file_type=True)
        elif who == "itkwasm":
            from importlib import import_module
            ext = out[out.rindex(".") + 1:]
            fn = {"stl": "stl", "vtk": "vtk_poly_data", "ply": None}[ext]
            if fn is None:
                raise SystemExit("itkwasm-mesh-io has no PLY")
            f = getattr(import_module(f"itkwasm_mesh_io_wasi.{fn}_write_mesh"), f"{fn}_write_mesh")
            f(mesh, out, binary_file_type=True)
        elif who == "meshio":
            meshio.write(out, mesh, binary=True)
        else:
            mesh.export(out)
        n = len(faces)
    return n
# Twice: the first call in a fresh process (its memory faulted in, as a script's), then
# again (as in a notebook or a service that keeps the process).
t = time.perf_counter()
n = step()
elapsed = time.perf_counter() - t
t = time.perf_counter()
step()
again = time.perf_counter() - t
peak = status_mib("VmHWM:")  # not ru_maxrss: Linux keeps the parent's peak across exec
result = {"seconds": elapsed, "again": again, "base_mib": base, "peak_mib": peak, "triangles": int(n), "load": load}
print(json.dumps(result))
"""

PEERS = ["witk", "meshio", "trimesh", "itkwasm"]


def surface(subdivisions: int) -> tuple[np.ndarray, np.ndarray]:
    import trimesh

    m = trimesh.creation.icosphere(subdivisions=subdivisions, radius=50.0)
    rng = np.random.default_rng(3)
    points = (m.vertices + rng.normal(0, 0.02, m.vertices.shape)).astype(np.float32)
    return points, m.faces.astype(np.uint32)


def run(path: Path, who: str, op: str) -> dict | None:
    out = subprocess.run([sys.executable, "-c", STEP, str(path), who, op], capture_output=True, text=True)
    if out.returncode != 0:
        lines = (out.stderr or out.stdout).strip().splitlines()
        print(f"  {op} {path.suffix} {who}: failed: {lines[-1][:140] if lines else out.returncode}")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    subdivisions = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    points, faces = surface(subdivisions)
    arrays_mib = (points.nbytes + faces.size // 3 * 5 * 4) / 2**20
    print(
        f"mesh-io: {len(faces)} triangles, {len(points)} points ({arrays_mib:.0f} MiB of ITK arrays);"
        " fresh process each"
    )
    with tempfile.TemporaryDirectory() as tmp:
        import trimesh

        base = Path(tmp) / "sphere"
        np.savez(str(base) + ".npz", points=points, faces=faces)
        for ext in ["stl", "ply", "vtk"]:
            path = base.with_suffix(f".{ext}")
            # The input every reader reads: trimesh's binary STL/PLY, meshio's binary VTK.
            if ext == "vtk":
                import meshio

                meshio.write(path, meshio.Mesh(points, [("triangle", faces)]), file_format="vtk42", binary=True)
            else:
                trimesh.Trimesh(points, faces, process=False).export(path)
            # The write step loads sphere.<ext>.npz.
            np.savez(str(path) + ".npz", points=points, faces=faces)
            for op in ["read", "write"]:
                results = {who: run(path, who, op) for who in PEERS}
                ours = results["witk"]
                natives = [r["seconds"] for w, r in results.items() if r and w in ("meshio", "trimesh")]
                for who, r in results.items():
                    if r is None:
                        continue
                    extra = (r["peak_mib"] - r["base_mib"]) / arrays_mib
                    ratio = f"  {r['seconds'] / ours['seconds']:6.2f}x witk's time" if ours and who != "witk" else ""
                    load = f"  (+{r['load'] * 1000:.0f} ms load)" if r.get("load") else ""
                    again = f"  again {r['again']:6.3f} s"
                    print(
                        f"{op:5s} {ext:3s} {who:8s} {r['seconds']:7.3f} s{again}  peak +{extra:4.1f} x arrays"
                        f"{ratio}{load}"
                    )
                warm = [r["again"] for w, r in results.items() if r and w in ("meshio", "trimesh")]
                if ours and natives:
                    first = ours["seconds"] / min(natives)
                    print(
                        f"      {ext} {op}: witk / fastest native peer = {first:.2f}"
                        f" (again: {ours['again'] / min(warm):.2f})"
                    )


if __name__ == "__main__":
    main()
