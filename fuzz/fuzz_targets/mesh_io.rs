//! mesh-io's readers: the first byte picks the file name (the format by extension where
//! magic bytes do not decide), the rest is the file. A mesh that reads must pass the
//! model's checks (buffers of their declared sizes, cells within the point count), and
//! written in the same format it must read back with the same points.
#![no_main]

use libfuzzer_sys::fuzz_target;
use witk_mesh_io_component::formats::{self, Options};

const NAMES: [&str; 15] = [
    "x.vtk",
    "x.vtp",
    "x.gii",
    "x.byu",
    "x.fsa",
    "x.fsb",
    "x.mz3",
    "x.obj",
    "x.off",
    "x.ply",
    "x.stl",
    "x.swc",
    "x.iwm.cbor",
    "x.iwm.cbor.zst",
    "x",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let name = NAMES[pick as usize % NAMES.len()];
    let Ok(mesh) = formats::read(name, bytes, false) else { return };
    mesh.validate().expect("a read mesh fails its own checks");
    let out = if name == "x" { "x.iwm.cbor" } else { name };
    let options = Options { info_only: false, compression: false, binary: true };
    let Ok(written) = formats::write(&mesh, out, &options) else { return };
    let back = formats::read(out, &written, false).expect("what was written does not read back");
    // STL holds triangles only: points in no triangle are not in the file.
    if out != "x.stl" {
        assert_eq!(back.number_of_points, mesh.number_of_points, "{out}: the point count changed");
    }
});
