"""Regenerate data/phantom.nrrd: a 64^3 uint8 3-D Shepp-Logan phantom (pure Python).

The file is committed; this script documents how it was made.
"""

import math
from pathlib import Path

N = 64
# (intensity, a, b, c, x0, y0, z0, phi in degrees): the modified 3-D Shepp-Logan phantom.
ELLIPSOIDS = [
    (1.0, 0.69, 0.92, 0.81, 0.0, 0.0, 0.0, 0.0),
    (-0.8, 0.6624, 0.874, 0.78, 0.0, -0.0184, 0.0, 0.0),
    (-0.2, 0.11, 0.31, 0.22, 0.22, 0.0, 0.0, -18.0),
    (-0.2, 0.16, 0.41, 0.28, -0.22, 0.0, 0.0, 18.0),
    (0.1, 0.21, 0.25, 0.41, 0.0, 0.35, -0.15, 0.0),
    (0.1, 0.046, 0.046, 0.05, 0.0, 0.1, 0.25, 0.0),
    (0.1, 0.046, 0.046, 0.05, 0.0, -0.1, 0.25, 0.0),
    (0.1, 0.046, 0.023, 0.05, -0.08, -0.605, 0.0, 0.0),
    (0.1, 0.023, 0.023, 0.02, 0.0, -0.606, 0.0, 0.0),
    (0.1, 0.023, 0.046, 0.02, 0.06, -0.605, 0.0, 0.0),
]


def main() -> None:
    voxels = bytearray(N * N * N)
    coords = [2.0 * (i + 0.5) / N - 1.0 for i in range(N)]
    for z in range(N):
        for y in range(N):
            for x in range(N):
                v = 0.0
                for rho, a, b, c, x0, y0, z0, phi in ELLIPSOIDS:
                    p = math.radians(phi)
                    dx, dy, dz = coords[x] - x0, coords[y] - y0, coords[z] - z0
                    rx = dx * math.cos(p) + dy * math.sin(p)
                    ry = -dx * math.sin(p) + dy * math.cos(p)
                    if (rx / a) ** 2 + (ry / b) ** 2 + (dz / c) ** 2 <= 1.0:
                        v += rho
                voxels[(z * N + y) * N + x] = max(0, min(255, round(v * 255)))
    header = (
        "NRRD0004\n"
        "# 3-D modified Shepp-Logan phantom, made by scripts/make-phantom.py\n"
        "type: uint8\ndimension: 3\nspace: left-posterior-superior\n"
        f"sizes: {N} {N} {N}\n"
        "space directions: (3,0,0) (0,3,0) (0,0,3)\n"
        "space origin: (-94.5,-94.5,-94.5)\n"
        "encoding: raw\n\n"
    )
    out = Path(__file__).resolve().parent.parent / "data" / "phantom.nrrd"
    out.write_bytes(header.encode() + bytes(voxels))
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
