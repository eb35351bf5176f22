//! The part of a WIT pipeline package that bindings need, read with `wit-parser`.

use std::path::{Path, PathBuf};
use wit_parser::{Resolve, Type, TypeDefKind, WorldItem};

/// One pipeline package, e.g. `witk:compress-stringify`.
pub struct Package {
    /// The WIT folder it was read from (`wit/compress-stringify`).
    pub dir: PathBuf,
    /// Kebab-case name (`compress-stringify`).
    pub name: String,
    pub version: String,
    /// First paragraph of the package's doc comment.
    pub summary: String,
    pub functions: Vec<Function>,
    /// Records the package defines itself (not `witk:types`'), e.g. compare-images'
    /// `metrics`: bindings give them as plain objects keyed by ITK-Wasm's camelCase names.
    pub records: Vec<Record>,
}

/// A package-local record.
pub struct Record {
    /// Kebab-case WIT name (`metrics`).
    pub name: String,
    /// Fields: (kebab-case name, type).
    pub fields: Vec<(String, Ty)>,
}

pub struct Function {
    /// Kebab-case name (`compress-stringify`).
    pub name: String,
    /// Doc comment before the parameter list: summary line, then details.
    pub description: String,
    pub params: Vec<Param>,
    pub returns: Ty,
    pub returns_doc: String,
    /// Other names bindings export it under (`alias: imread` in the doc comment).
    pub aliases: Vec<String>,
}

pub struct Param {
    pub name: String,
    pub ty: Ty,
    pub doc: String,
    /// Default value as written in the doc comment (`(default: 3)`), if any.
    pub default: Option<String>,
}

impl Param {
    /// Whether this string parameter names the file(s) a function returns as
    /// `list<binary-file>`: ITK-Wasm's `serialized-image`, `output-dicom-file`, ...
    pub fn names_output(&self) -> bool {
        self.ty == Ty::String
            && (self.name.starts_with("serialized")
                || (self.name.starts_with("output-") && self.name.ends_with("-file")))
    }
}

/// WIT types the bindings know how to carry.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    /// Signed or unsigned integer with its Rust name (`i32`, `u64`, ...).
    Int(&'static str),
    /// `f32` or `f64`.
    Float(&'static str),
    String,
    /// `witk:types/spatial.json`: JSON text to components and the Rust API, parsed values
    /// (dicts, lists, ...) in Python and JS.
    Json,
    /// `list<u8>`: any buffer-protocol object in, `bytes` out.
    Bytes,
    /// `result<T, error>`: the value, or an exception carrying the error.
    Fallible(Box<Ty>),
    /// A `witk:types/spatial` record (`image`, `binary-file`) or one the package defines
    /// (listed in `Package::records`), by its WIT name.
    Record(String),
    /// A `witk:types/spatial` enum (`pixel-type`, `component-type`), by its WIT name.
    Enum(String),
    Option(Box<Ty>),
    List(Box<Ty>),
    /// `tuple<...>`: several results (ITK-Wasm's `(could_read, image)`).
    Tuple(Vec<Ty>),
}

impl Ty {
    /// Whether every binding can carry this type (others are skipped with a note).
    pub fn is_scalar_or_bytes(&self) -> bool {
        match self {
            Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::String | Ty::Json | Ty::Bytes => true,
            Ty::Fallible(t) => t.is_scalar_or_bytes(),
            _ => false,
        }
    }
}

impl Package {
    /// Parse `wit/<name>` (with its `deps/`).
    pub fn load(dir: &Path) -> Result<Package, String> {
        let mut resolve = Resolve::default();
        let (pkg_id, _) = resolve.push_dir(dir).map_err(|e| format!("{}: {e:#}", dir.display()))?;
        let pkg = &resolve.packages[pkg_id];
        let name = pkg.name.name.clone();
        let world_id = *pkg.worlds.get(&name).ok_or_else(|| format!("{}: no world named {name}", dir.display()))?;
        let mut functions = Vec::new();
        let mut records = Vec::new();
        for item in resolve.worlds[world_id].exports.values() {
            let WorldItem::Interface { id, .. } = item else { continue };
            for f in resolve.interfaces[*id].functions.values() {
                functions.push(Function::from_wit(&resolve, f)?);
            }
            for &t in resolve.interfaces[*id].types.values() {
                if let (TypeDefKind::Record(r), Some(name)) = (&resolve.types[t].kind, &resolve.types[t].name) {
                    let fields = r.fields.iter().map(|f| Ok((f.name.clone(), ty(&resolve, &f.ty)?)));
                    records.push(Record { name: name.clone(), fields: fields.collect::<Result<_, String>>()? });
                }
            }
        }
        Ok(Package {
            dir: dir.to_path_buf(),
            name,
            version: pkg.name.version.as_ref().map_or("0.1.0".into(), |v| v.to_string()),
            summary: first_paragraph(pkg.docs.contents.as_deref().unwrap_or("")),
            functions,
            records,
        })
    }

    /// `compress_stringify`
    pub fn snake(&self) -> String {
        snake(&self.name)
    }

    /// Whether `record` is one of the package's own records.
    pub fn is_local(&self, record: &str) -> bool {
        self.records.iter().any(|r| r.name == record)
    }
}

impl Function {
    /// The index of the function's one `list<binary-file>` parameter (a DICOM series):
    /// bindings that have paths hand those over, so host code can read each file when it
    /// needs it (the `*_paths` method and override).
    /// (Not `companions`: a header's companion files go by the names the header gives,
    /// read from where those resolve.)
    pub fn file_list(&self) -> Option<usize> {
        self.only_param(&Ty::List(Box::new(Ty::Record("binary-file".into()))))
    }

    /// The index of the function's one `binary-file` parameter (an image, mesh or DICOM
    /// file), if it has no file list: bindings that have its path hand that over, so host
    /// code can read what it needs of the file (the `*_path` method and override).
    pub fn file_param(&self) -> Option<usize> {
        self.file_list().is_none().then(|| self.only_param(&Ty::Record("binary-file".into()))).flatten()
    }

    /// The index of the string parameter that names the files the function returns, if
    /// they are all it returns (`list<binary-file>`: an image, mesh or transform writer):
    /// bindings that write the files to a path hand that over, so host code can write them
    /// itself (the `*_to_path` method and override).
    /// (One path per call: not for a function that also takes its input files by path.)
    pub fn output_path(&self) -> Option<usize> {
        let files = Ty::Fallible(Box::new(Ty::List(Box::new(Ty::Record("binary-file".into())))));
        if self.returns != files || self.file_list().is_some() || self.file_param().is_some() {
            return None;
        }
        let mut found = self.params.iter().enumerate().filter(|(_, p)| p.names_output()).map(|(i, _)| i);
        match (found.next(), found.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    }

    /// The index of the one parameter of type `ty` (`companions` aside).
    fn only_param(&self, ty: &Ty) -> Option<usize> {
        let mut found =
            self.params.iter().enumerate().filter(|(_, p)| p.ty == *ty && p.name != "companions").map(|(i, _)| i);
        match (found.next(), found.next()) {
            (Some(i), None) => Some(i),
            _ => None,
        }
    }

    fn from_wit(resolve: &Resolve, f: &wit_parser::Function) -> Result<Function, String> {
        let docs = f.docs.contents.clone().unwrap_or_default();
        let mut description = Vec::new();
        let mut param_docs = Vec::new();
        let mut returns_doc = String::new();
        let mut aliases = Vec::new();
        let names: Vec<&str> = f.params.iter().map(|p| p.name.as_str()).collect();
        for line in docs.lines() {
            match line.split_once(": ") {
                Some(("returns", rest)) => returns_doc = rest.trim().to_string(),
                Some(("alias", rest)) => aliases.push(rest.trim().to_string()),
                Some((key, rest)) if names.contains(&key) => {
                    param_docs.push((key.to_string(), rest.trim().to_string()))
                }
                _ => description.push(line.trim_end()),
            }
        }
        let params = f
            .params
            .iter()
            .map(|p| {
                let doc = param_docs.iter().find(|(k, _)| *k == p.name).map(|(_, d)| d.clone()).unwrap_or_default();
                let (doc, default) = split_default(&doc);
                Ok(Param { name: p.name.clone(), ty: ty(resolve, &p.ty)?, doc, default })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let returns = match &f.result {
            Some(t) => ty(resolve, t)?,
            None => return Err(format!("{}: functions without results are not supported yet", f.name)),
        };
        Ok(Function {
            name: f.name.clone(),
            description: description.join("\n").trim().to_string(),
            params,
            returns,
            returns_doc,
            aliases,
        })
    }

    /// `compress_stringify`
    pub fn snake(&self) -> String {
        snake(&self.name)
    }

    /// The summary line of the description.
    pub fn summary(&self) -> &str {
        self.description.lines().next().unwrap_or("")
    }

    /// The description after the summary line.
    pub fn details(&self) -> &str {
        self.description.split_once('\n').map_or("", |(_, rest)| rest.trim())
    }
}

fn ty(resolve: &Resolve, t: &Type) -> Result<Ty, String> {
    Ok(match t {
        Type::Bool => Ty::Bool,
        Type::U8 => Ty::Int("u8"),
        Type::U16 => Ty::Int("u16"),
        Type::U32 => Ty::Int("u32"),
        Type::U64 => Ty::Int("u64"),
        Type::S8 => Ty::Int("i8"),
        Type::S16 => Ty::Int("i16"),
        Type::S32 => Ty::Int("i32"),
        Type::S64 => Ty::Int("i64"),
        Type::F32 => Ty::Float("f32"),
        Type::F64 => Ty::Float("f64"),
        Type::String => Ty::String,
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::List(Type::U8) => Ty::Bytes,
            TypeDefKind::Result(r) => {
                let ok = r.ok.as_ref().ok_or("result<_, error> without a value is not supported yet")?;
                Ty::Fallible(Box::new(ty(resolve, ok)?))
            }
            TypeDefKind::Type(Type::String)
                if resolve.types[*id].name.as_deref() == Some("json") && is_spatial(resolve, *id) =>
            {
                Ty::Json
            }
            TypeDefKind::Type(inner) => ty(resolve, inner)?,
            TypeDefKind::Record(_) | TypeDefKind::Enum(_) if is_spatial(resolve, *id) => {
                let name = resolve.types[*id].name.clone().unwrap_or_default();
                if matches!(resolve.types[*id].kind, TypeDefKind::Enum(_)) {
                    Ty::Enum(name)
                } else {
                    Ty::Record(name)
                }
            }
            TypeDefKind::Record(_) if !is_shared(resolve, *id) => {
                Ty::Record(resolve.types[*id].name.clone().unwrap_or_default())
            }
            TypeDefKind::Option(inner) => Ty::Option(Box::new(ty(resolve, inner)?)),
            TypeDefKind::List(inner) => Ty::List(Box::new(ty(resolve, inner)?)),
            TypeDefKind::Tuple(t) => Ty::Tuple(t.types.iter().map(|t| ty(resolve, t)).collect::<Result<_, _>>()?),
            other => return Err(format!("WIT type {other:?} is not supported by the bindings yet")),
        },
        other => return Err(format!("WIT type {other:?} is not supported by the bindings yet")),
    })
}

/// Whether a type is defined in `witk:types/spatial` (shared by every pipeline).
fn is_spatial(resolve: &Resolve, id: wit_parser::TypeId) -> bool {
    match resolve.types[id].owner {
        wit_parser::TypeOwner::Interface(i) => resolve.interfaces[i].name.as_deref() == Some("spatial"),
        _ => false,
    }
}

/// Whether a type comes from `witk:types` rather than the pipeline package itself.
fn is_shared(resolve: &Resolve, id: wit_parser::TypeId) -> bool {
    match resolve.types[id].owner {
        wit_parser::TypeOwner::Interface(i) => {
            resolve.interfaces[i].package.is_some_and(|p| resolve.packages[p].name.name == "types")
        }
        _ => true,
    }
}

/// `"Stringify the output (default: false)"` → (`"Stringify the output"`, `Some("false")`).
fn split_default(doc: &str) -> (String, Option<String>) {
    match doc.rfind("(default: ") {
        Some(i) if doc.ends_with(')') => {
            (doc[..i].trim().to_string(), Some(doc[i + "(default: ".len()..doc.len() - 1].to_string()))
        }
        _ => (doc.to_string(), None),
    }
}

fn first_paragraph(doc: &str) -> String {
    doc.split("\n\n").next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn snake(kebab: &str) -> String {
    kebab.replace('-', "_")
}

pub fn camel(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        })
        .collect()
}
