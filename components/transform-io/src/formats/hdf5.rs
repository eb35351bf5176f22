//! HDF5 transform files (`.h5`, `.hdf5`) in ITK's layout, which ITK, ANTs and 3D Slicer
//! write by default: `/TransformGroup/<i>/TransformType` (a variable-length ASCII string
//! naming the class, `Euler3DTransform_double_3_3`), `TransformParameters` and
//! `TransformFixedParameters` (float64, or float32 for float transforms); a composite's
//! group holds only its type. ITK also writes `/ITKVersion`, `/HDFVersion`, `/OSName`
//! and `/OSVersion` strings.
//!
//! The file structure is `hdf5-pure`'s (a pure-Rust HDF5 reader and writer: ITK's C
//! library does not build inside a component); the mapping is here.

use crate::model::{bad, parse_itk_name, precision, Code, Failure, Parameterization, Pixels, Transform};
use hdf5_pure::{CharacterSet, Datatype, FileBuilder, StringPadding};

const F: &str = "HDF5 transform";
pub const MAGIC: &[u8] = b"\x89HDF\r\n\x1a\n";

fn h5(e: hdf5_pure::Error) -> Failure {
    bad(F, e)
}

/// `ds` must hold no more values than a file of `file_len` bytes can: hdf5-pure sizes its
/// buffers from the dataspace, and a crafted one overflowed a capacity (a panic, so a trap
/// in the component, found by fuzzing). Stored as is, a dataset lies in the file; through
/// filters (deflate) it may inflate, but not past ITK's use of them by a thousand times.
fn check_size(ds: &hdf5_pure::Dataset, what: &str, file_len: usize) -> Result<(), Failure> {
    let shape = ds.shape().map_err(h5)?;
    let values = shape.iter().try_fold(1u64, |n, &d| n.checked_mul(d));
    let bytes = values.and_then(|n| n.checked_mul(ds.element_size().ok()?));
    let limit = if ds.filters().is_empty() { file_len as u64 } else { (file_len as u64).saturating_mul(1024) };
    match bytes {
        Some(b) if b <= limit => Ok(()),
        _ => Err(bad(F, format!("{what}: a dataspace of {shape:?} does not fit in a file of {file_len} bytes"))),
    }
}

pub fn read(b: &[u8]) -> Result<Vec<Transform>, Failure> {
    let file = hdf5_pure::File::from_bytes(b.to_vec()).map_err(h5)?;
    let group = file.group("TransformGroup").map_err(|_| bad(F, "no /TransformGroup: not an ITK transform file"))?;
    let mut names = group.groups().map_err(h5)?;
    // Groups are numbered in order; sort by the number, not its text ("10" after "9").
    names.sort_by_key(|n| n.parse::<u64>().unwrap_or(u64::MAX));
    let mut out = Vec::new();
    for n in names {
        let path = |d: &str| format!("TransformGroup/{n}/{d}");
        let kind = file.dataset(&path("TransformType")).map_err(h5)?;
        check_size(&kind, &path("TransformType"), b.len())?;
        let kind = kind.read_string().map_err(h5)?;
        let name = kind.first().ok_or_else(|| bad(F, format!("group {n}: an empty TransformType")))?;
        let (kind, float, dims) = parse_itk_name(name)?;
        let values = |d: &str| -> Result<Vec<f64>, Failure> {
            match file.dataset(&path(d)) {
                Ok(ds) => {
                    check_size(&ds, &path(d), b.len())?;
                    ds.read_f64().map_err(h5)
                }
                Err(_) if kind == Parameterization::Composite => Ok(Vec::new()),
                Err(_) => Err(bad(F, format!("group {n} has no {d}"))),
            }
        };
        let params = values("TransformParameters")?;
        let fixed = values("TransformFixedParameters")?;
        out.push(Transform::new(kind, dims, fixed, precision(params, float)));
    }
    if out.is_empty() {
        return Err(bad(F, "/TransformGroup holds no transform"));
    }
    Ok(out)
}

/// ITK reads its strings as variable-length ASCII: UTF-8 ones have no conversion to it.
fn ascii() -> Datatype {
    Datatype::VariableLength {
        is_string: true,
        padding: Some(StringPadding::NullTerminate),
        charset: Some(CharacterSet::Ascii),
        base_type: Box::new(hdf5_pure::make_u8_type()),
    }
}

pub fn write(list: &[Transform], float: bool, compression: bool) -> Result<Vec<u8>, Failure> {
    let mut b = FileBuilder::new();
    for (name, value) in [
        ("ITKVersion", "5.4.0"),
        ("HDFVersion", "hdf5-pure 0.45 (witk)"),
        ("OSName", "WebAssembly"),
        ("OSVersion", "witk"),
    ] {
        b.create_dataset(name).with_vlen_strings(&[value]).with_shape(&[1]).with_dtype(ascii());
    }
    let mut group = b.create_group("TransformGroup");
    for (i, t) in list.iter().enumerate() {
        let mut g = group.create_group(&i.to_string());
        g.create_dataset("TransformType").with_vlen_strings(&[&t.itk_name(float)]).with_shape(&[1]).with_dtype(ascii());
        if t.kind != Parameterization::Composite {
            let params = t.params_f64();
            for (name, values, float) in
                [("TransformParameters", &params, float), ("TransformFixedParameters", &t.fixed, false)]
            {
                let ds = g.create_dataset(name);
                match precision(values.clone(), float) {
                    Pixels::F32(v) => ds.with_f32_data(&v),
                    Pixels::F64(v) => ds.with_f64_data(&v),
                    _ => unreachable!("precision gives float32 or float64"),
                };
                // ITK compresses large parameter sets (fields) in chunks.
                if compression && values.len() > 1 {
                    ds.with_chunks(&[values.len().min(1 << 16) as u64]).with_deflate(6);
                }
            }
        }
        group.add_group(g.finish());
    }
    b.add_group(group.finish());
    b.finish().map_err(|e| Failure::new(Code::Internal, format!("{F}: {e}")))
}
