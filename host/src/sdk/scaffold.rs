//! `witk new`: a pipeline project's files, from the templates in `templates/` and witk's
//! data model (`wit/types`, vendored into the project so it builds anywhere).

use std::path::{Path, PathBuf};

const WORLD: &str = include_str!("templates/world.wit");
const README: &str = include_str!("templates/README.md");
const TEST: &str = include_str!("templates/test.py");
const GITIGNORE: &str = include_str!("templates/gitignore");
const RUST_CARGO: &str = include_str!("templates/rust/Cargo.toml");
const RUST_LIB: &str = include_str!("templates/rust/lib.rs");
const PYTHON_APP: &str = include_str!("templates/python/app.py");
/// witk's data model, as every pipeline of this repository uses it.
const TYPES: [(&str, &str); 3] = [
    ("errors.wit", include_str!("../../../wit/types/errors.wit")),
    ("spatial.wit", include_str!("../../../wit/types/spatial.wit")),
    ("world.wit", include_str!("../../../wit/types/world.wit")),
];
/// The wit-bindgen the repository's guests use (components/Cargo.toml), so a new Rust
/// project builds from the crates already in cargo's cache.
const WIT_BINDGEN: &str = "0.61";

/// WIT's reserved words that cannot name a package.
const KEYWORDS: &[&str] = &[
    "as",
    "bool",
    "borrow",
    "char",
    "constructor",
    "enum",
    "export",
    "f32",
    "f64",
    "flags",
    "from",
    "func",
    "import",
    "include",
    "interface",
    "list",
    "option",
    "own",
    "package",
    "record",
    "resource",
    "result",
    "s8",
    "s16",
    "s32",
    "s64",
    "static",
    "string",
    "tuple",
    "type",
    "u8",
    "u16",
    "u32",
    "u64",
    "use",
    "variant",
    "with",
    "world",
];

/// A name a WIT package, a Python distribution and an npm package can all have, and not
/// one of witk's own pipelines (its packages would shadow theirs).
pub fn check_name(name: &str) -> Result<(), String> {
    let words_ok = !name.is_empty()
        && name.split('-').all(|w| {
            w.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !words_ok {
        return Err(format!(
            "{name:?} is not a pipeline name: lowercase words of letters and digits joined by '-', each starting with a letter (e.g. my-filter)"
        ));
    }
    if KEYWORDS.contains(&name) {
        return Err(format!("{name:?} is a WIT keyword"));
    }
    if witk::pipelines::PIPELINES.contains(&name) || name == "types" {
        return Err(format!("{name:?} is one of witk's own packages; choose another name"));
    }
    Ok(())
}

fn fill(template: &str, name: &str, lang: &str) -> String {
    let snake = name.replace('-', "_");
    let title = name.split('-').map(capitalize).collect::<Vec<_>>().join(" ");
    let (lang_title, lang_files, lang_where) = match lang {
        "python" => (
            "Python (componentize-py)",
            "| `app.py` | the guest: the functions in Python, built into a component by componentize-py |\n",
            "in `app.py`",
        ),
        _ => (
            "Rust (wit-bindgen)",
            "| `Cargo.toml`, `src/lib.rs` | the guest: the functions in Rust, with native unit tests (`cargo test`) |\n",
            "in `src/lib.rs`",
        ),
    };
    template
        .replace("{{name}}", name)
        .replace("{{snake}}", &snake)
        .replace("{{title}}", &title)
        .replace("{{wit_bindgen}}", WIT_BINDGEN)
        .replace("{{lang_title}}", lang_title)
        .replace("{{lang_files}}", lang_files)
        .replace("{{lang_where}}", lang_where)
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The project's files: (path relative to its folder, contents).
pub fn files(name: &str, lang: &str) -> Vec<(PathBuf, String)> {
    let snake = name.replace('-', "_");
    let wit = PathBuf::from("wit").join(name);
    let mut files = vec![
        (wit.join("world.wit"), fill(WORLD, name, lang)),
        (PathBuf::from("README.md"), fill(README, name, lang)),
        (PathBuf::from("tests").join(format!("test_{snake}.py")), fill(TEST, name, lang)),
        (PathBuf::from(".gitignore"), GITIGNORE.to_string()),
    ];
    for (file, text) in TYPES {
        files.push((wit.join("deps/types").join(file), text.to_string()));
    }
    match lang {
        "python" => files.push((PathBuf::from("app.py"), fill(PYTHON_APP, name, lang))),
        _ => {
            files.push((PathBuf::from("Cargo.toml"), fill(RUST_CARGO, name, lang)));
            files.push((PathBuf::from("src/lib.rs"), fill(RUST_LIB, name, lang)));
        }
    }
    files
}

/// Write `files` under `dir`, which must not exist or be empty: nothing is overwritten.
pub fn write(dir: &Path, files: &[(PathBuf, String)]) -> Result<(), String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| io(dir, e))?.next().is_some() {
        return Err(format!("{} exists and is not empty", dir.display()));
    }
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| io(&path, e))?;
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    }
    Ok(())
}
