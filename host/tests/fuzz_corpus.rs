//! Differential: every input of the committed fuzz corpus (`fuzz/corpus/<target>/`) gives,
//! through the components in wasmtime, the outcome the native build of the same crates
//! recorded for it (`fuzz/corpus/<target>.outcomes`, written and checked by
//! `components/fuzz-checks`' test): the same error code, or the same bytes once read and
//! written back as ITK-Wasm's CBOR (or the same pixels, geometry and tags).
//! A difference is a bug in the wasm build, the host's conversions, or the limits.

mod common;
use common::runtime_with;
use std::path::{Path, PathBuf};
use witk::pipelines::compress_stringify::CompressStringify;
use witk::pipelines::dicom::Dicom;
use witk::pipelines::image_io::ImageIo;
use witk::pipelines::mesh_io::MeshIo;
use witk::pipelines::transform_io::TransformIo;
use witk::pipelines::types::witk::types::spatial::BinaryFile;
use witk::{Error, Runtime};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus")
}

/// 64-bit FNV-1a, as `witk_fuzz_checks::fnv` computes it.
fn fnv(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// An error as the native outcome writes a component's failure; any other error (a trap,
/// a limit) as itself, which no native outcome is.
fn err(e: &Error) -> String {
    match e {
        Error::Pipeline { code, message, .. } => format!("err {}: {message}", code.as_str()),
        other => format!("host error: {other}"),
    }
}

fn written(result: witk::Result<Vec<BinaryFile>>) -> String {
    match result {
        Ok(files) => format!("ok {}", fnv(files.first().map_or(&[][..], |f| &f.data))),
        Err(e) => format!("written {}", err(&e)),
    }
}

/// The outcome of `data` read as `name` by `target`'s component, as the native one words it.
struct Wasm {
    image_io: ImageIo,
    compress: CompressStringify,
    dicom: Dicom,
    mesh_io: MeshIo,
    transform_io: TransformIo,
}

impl Wasm {
    fn new(rt: &Runtime) -> Self {
        Wasm {
            image_io: ImageIo::builtin(rt).unwrap(),
            compress: CompressStringify::builtin(rt).unwrap(),
            dicom: Dicom::builtin(rt).unwrap(),
            mesh_io: MeshIo::builtin(rt).unwrap(),
            transform_io: TransformIo::builtin(rt).unwrap(),
        }
    }

    fn outcome(&self, target: &str, name: &str, data: &[u8]) -> String {
        // The readers that take a name read the input after its first byte (which picked the name).
        let file = |skip: usize| BinaryFile { path: name.to_string(), data: data[skip.min(data.len())..].to_vec() };
        if name == "-" && target != "compress_stringify" {
            return "empty".into();
        }
        match target {
            "image_io" => match self.image_io.read_image(&file(1), &[], false, None, None) {
                Ok(image) => written(self.image_io.write_image(&image, "x.iwi.cbor", false, false)),
                Err(e) => err(&e),
            },
            "mesh_io" => match self.mesh_io.read_mesh(&file(1), &[], false) {
                Ok(mesh) => written(self.mesh_io.write_mesh(&mesh, "x.iwm.cbor", false, false, true)),
                Err(e) => err(&e),
            },
            "transform_io" => match self.transform_io.read_transform(&file(1), false) {
                Ok(list) => written(self.transform_io.write_transform(&list, "x.iwt.cbor", false, false)),
                Err(e) => err(&e),
            },
            "compress_stringify" => {
                let one = |parse: bool| match self.compress.parse_string_decompress(data, parse) {
                    Ok(bytes) => format!("ok {}", fnv(&bytes)),
                    Err(e) => err(&e),
                };
                format!("{} | {}", one(true), one(false))
            }
            "dicom" => {
                let tags = match self.dicom.read_dicom_tags(&file(0), None) {
                    Ok(list) => {
                        let lines: String = list.iter().map(|(t, v)| format!("{t}={v}\n")).collect();
                        format!("ok {} {}", list.len(), fnv(lines.as_bytes()))
                    }
                    Err(e) => err(&e),
                };
                let series = match self.dicom.read_image_dicom_file_series(&[file(0)], false, false) {
                    Ok((image, _)) => {
                        let geometry = format!("{:?} {:?} {:?}", image.origin, image.spacing, image.direction);
                        let ctype = witk::spatial::ComponentType::from(image.image_type.component_type);
                        format!(
                            "ok {:?} {} {} {} {}",
                            image.size,
                            ctype.name(),
                            image.image_type.components,
                            fnv(image.data.as_ref().map_or(&[][..], witk::buffers::as_bytes)),
                            fnv(geometry.as_bytes())
                        )
                    }
                    Err(e) => err(&e),
                };
                format!("{tags} | {series}")
            }
            other => panic!("no fuzz target {other}"),
        }
    }
}

/// An outcome with its error messages dropped: the codes and every digest must agree, but
/// the words may not. Libraries word a limit by the address width (zstd, tiff, hdf5-pure
/// name 32-bit limits in wasm32 where a 64-bit build fails later, otherwise).
fn codes(outcome: &str) -> String {
    outcome
        .split(" | ")
        .map(|part| match part.split_once(": ") {
            Some((head, _)) if head.starts_with("err ") || head.starts_with("written err ") => head,
            _ => part,
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn every_corpus_input_gives_the_native_outcome() {
    let (rt, _dir) = runtime_with(Default::default());
    let wasm = Wasm::new(&rt);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        let Some(target) = path.file_name().unwrap().to_str().unwrap().strip_suffix(".outcomes") else { continue };
        let recorded = std::fs::read_to_string(&path).unwrap();
        for line in recorded.lines() {
            let mut parts = line.splitn(3, '\t');
            let (file, name, native) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            let data = std::fs::read(corpus().join(target).join(file)).unwrap();
            let got = wasm.outcome(target, name, &data).escape_debug().to_string();
            if codes(&got) != codes(native) {
                wrong.push(format!("{target}/{file} as {name}:\n  native {native}\n  wasm   {got}"));
            }
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} corpus inputs");
    assert!(wrong.is_empty(), "{} of {checked} inputs differ:\n{}", wrong.len(), wrong.join("\n"));
}
