//! witk as a library in another Rust program: two of witk's pipelines through their typed
//! APIs (image-io reads a volume, downsample halves it), then, given `--component`, a
//! pipeline of one's own (`witk new`, `witk build`) through `witk::Dynamic`.
//!
//! ```shell
//! cargo run --release --example embed -- data/phantom.nrrd
//! cargo run --release --example embed -- data/phantom.nrrd --component my-threshold/build/my-threshold.wasm
//! ```
//!
//! Prints one `key: value` line per result; `histogram` is the JSON list of counts.

use anyhow::{bail, Context};
use witk::pipelines::downsample::Downsample;
use witk::pipelines::image_io::ImageIo;
use witk::wasmtime_val::{self as val, Val};
use witk::{Dynamic, Runtime, RuntimeConfig};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (image_path, component) = match args.as_slice() {
        [image] => (image.clone(), None),
        [image, flag, wasm] if flag == "--component" => (image.clone(), Some(wasm.clone())),
        _ => bail!("usage: embed IMAGE [--component PIPELINE.wasm]"),
    };

    // One runtime: the engine, the compile cache and the limits, shared by every pipeline.
    let runtime = Runtime::new(RuntimeConfig::default())?;
    let image_io = ImageIo::builtin(&runtime)?;
    let image = image_io.read_path(image_path.as_ref(), false, None, None).with_context(|| image_path.clone())?;
    println!("read: {image_path}: size {:?}, spacing {:?}", image.size, image.spacing);

    let factors = vec![2; image.size.len()];
    let half = Downsample::builtin(&runtime)?.downsample(&image, &factors, None)?;
    println!("downsample: size {:?}, spacing {:?}", half.size, half.spacing);

    if let Some(wasm) = component {
        // A component this crate has no typed API for: functions by name, values as Vals.
        let pipeline = Dynamic::new(&runtime, &runtime.load_file(wasm.as_ref())?)?;
        let names: Vec<&str> = pipeline.functions().map(|(n, _)| n).collect();
        println!("component: {wasm}: {}", names.join(", "));
        let results = pipeline.call("histogram", &[val::image(&image), Val::U32(8), Val::Option(None)])?;
        let counts: Vec<u64> = match results.as_slice() {
            [Val::Result(Ok(Some(list)))] => match &**list {
                Val::List(items) => {
                    items.iter().filter_map(|v| if let Val::U64(n) = v { Some(*n) } else { None }).collect()
                }
                other => bail!("histogram returned {other:?}"),
            },
            other => bail!("histogram returned {other:?}"),
        };
        println!("histogram: {counts:?}");
        // A failure is witk's typed error, and the next call runs on a fresh instance.
        match pipeline.call("histogram", &[val::image(&image), Val::U32(0), Val::Option(None)]) {
            Err(witk::Error::Pipeline { code, message, .. }) => println!("error: {}: {message}", code.as_str()),
            other => bail!("bins = 0 gave {other:?}"),
        }
    }
    Ok(())
}
