//! `witk-componentize CORE.wasm COMPONENT.wasm`: see the library's docs.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: witk-componentize CORE.wasm COMPONENT.wasm");
        return ExitCode::from(2);
    };
    let made = std::fs::read(input)
        .map_err(|e| e.to_string())
        .and_then(|core| witk_componentize::componentize(&core))
        .and_then(|component| std::fs::write(output, component).map_err(|e| e.to_string()));
    match made {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("witk-componentize: {input}: {e}");
            ExitCode::FAILURE
        }
    }
}
