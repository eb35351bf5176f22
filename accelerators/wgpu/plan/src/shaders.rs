//! The WGSL compute shaders, specialized per pixel component type.
//!
//! Every kernel computes what the component's filters compute (`witk-downsample`'s
//! `filters`), value for value: in `f64`, in the same order of operations, storing after
//! each Gaussian pass in the pixel type. That is what keeps the results equal to the
//! component's (and ITK's) even where ITK's truncating casts drift, as they do on flat
//! regions (a flat 7 shrunk by 8 comes out 4). The kernels are written once against a real
//! type `R` and its functions (`r_add`, `r_mul`, ...): on devices with `SHADER_F64` those
//! are the hardware's f64 operations ([`Precision::Native`]); elsewhere (Metal, WebGPU,
//! many integrated GPUs) `f64_soft.wgsl` computes the same IEEE binary64 results in 32-bit
//! integer arithmetic ([`Precision::Emulated`]). Both store values as the bytes of an f64.
//! Pixels arrive as the caller's raw little-endian words (no conversion pass on the CPU)
//! and each component type gets its own `load`, `store` and `key` functions.
//!
//! Bindings, the same for every kernel: 0 the source (raw pixels or an `f64`
//! intermediate), 1 the destination, 2 `u32` parameters, 3 `f64` constants.

use witk_spatial::ComponentType as Ctype;

/// Invocations per workgroup (one output value each).
pub const WORKGROUP: u32 = 64;

/// How the kernels compute in binary64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// The device's f64 (`SHADER_F64`).
    Native,
    /// IEEE binary64 emulated in u32 arithmetic (`f64_soft.wgsl`): bit for bit the same.
    Emulated,
}

/// Where a kernel reads its values from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The caller's pixels, as raw words of the component type.
    Pixels(Ctype),
    /// An `f64` intermediate (values already stored in the pixel type).
    Real,
}

/// The kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// One Gaussian pass along one axis, stored in the pixel type.
    Pass,
    /// Linear interpolation at the output positions of smoothed values.
    Interpolate,
    /// Block means.
    BinShrink,
    /// Label voting: the index of the winning input value.
    Label,
}

/// The shader source of `kernel` reading `source`, storing in `ctype`.
pub fn source(precision: Precision, kernel: Kernel, source: Source, ctype: Ctype, components: u32) -> String {
    let mut s = String::new();
    s.push_str(match precision {
        Precision::Native => NATIVE,
        Precision::Emulated => include_str!("f64_soft.wgsl"),
    });
    s.push_str(COMMON);
    s.push_str(&load(source));
    s.push_str(&store(ctype));
    if kernel == Kernel::Label {
        s.push_str(&key(ctype));
    }
    let dst = if kernel == Kernel::Label { "u32" } else { "R" };
    s.push_str(&format!("@group(0) @binding(1) var<storage, read_write> dst: array<{dst}>;\n"));
    s.push_str(match kernel {
        Kernel::Pass => PASS,
        Kernel::Interpolate => INTERPOLATE,
        Kernel::BinShrink => BIN_SHRINK,
        Kernel::Label => LABEL,
    });
    // Integer bin-shrink means of scalar images round half up; multi-component ones
    // truncate (ITK-Wasm's scalar and vector images differ there), floats just cast.
    let float = matches!(ctype, Ctype::F32 | Ctype::F64);
    s.replace("ROUND_HALF_UP", if components == 1 && !float { "true" } else { "false" })
}

/// `R` as the hardware's f64.
const NATIVE: &str = r#"
alias R = f64;
fn r_add(a: R, b: R) -> R { return a + b; }
fn r_sub(a: R, b: R) -> R { return a - b; }
fn r_mul(a: R, b: R) -> R { return a * b; }
fn r_from_u32(x: u32) -> R { return f64(x); }
fn r_from_i32(x: i32) -> R { return f64(x); }
// hi * 2^32 is exact: the sum rounds once, as Rust's `as f64` does.
fn r_from_u64(lo: u32, hi: u32) -> R { return f64(hi) * reals[2] + f64(lo); }
fn r_from_i64(lo: u32, hi: u32) -> R { return f64(bitcast<i32>(hi)) * reals[2] + f64(lo); }
fn r_from_f32(bits: u32) -> R { return f64(bitcast<f32>(bits)); }
fn r_round_f32(a: R) -> R { return f64(f32(a)); }
fn r_trunc(a: R) -> R { return trunc(a); }
fn r_floor(a: R, one: R) -> R { return floor(a); }
fn r_clamp(v: R, lo: R, hi: R) -> R { return clamp(v, lo, hi); }
fn r_lt(a: R, b: R) -> bool { return a < b; }
fn r_eq(a: R, b: R) -> bool { return a == b; }
"#;

const COMMON: &str = r#"
@group(0) @binding(2) var<storage, read> params: array<u32>;
@group(0) @binding(3) var<storage, read> reals: array<R>;

// reals: 0 the pixel type's minimum, 1 its maximum, 2 2^32, 3 one over the block size,
// 4 one half, 5 zero, 6 one; kernels from 8.
// params: 0 the number of values computed, then per kernel.

fn value_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * 64u;
}

// The output position (x, y, z, component) of value `i` in extents at params[at..at+3].
fn position(i: u32, at: u32, c: u32) -> vec4<u32> {
    let p = i / c;
    let e0 = params[at];
    let e1 = params[at + 1u];
    return vec4<u32>(p % e0, (p / e0) % e1, p / (e0 * e1), i % c);
}

// The first source position output `p` reads, from the per-axis tables whose offsets are
// params[11..14] (interpolation and label voting).
fn first_read(p: vec4<u32>) -> vec3<u32> {
    return vec3<u32>(params[params[11] + p.x], params[params[12] + p.y], params[params[13] + p.z]);
}

fn linear(x: u32, y: u32, z: u32, comp: u32, at: u32, c: u32) -> u32 {
    return ((z * params[at + 1u] + y) * params[at] + x) * c + comp;
}
"#;

fn load(source: Source) -> String {
    let (array, body) = match source {
        Source::Real => ("R", "return src[e];"),
        Source::Pixels(ct) => match ct {
            Ctype::U8 => ("u32", "return r_from_u32((src[e >> 2u] >> ((e & 3u) * 8u)) & 0xffu);"),
            Ctype::I8 => ("u32", "return r_from_i32(extractBits(bitcast<i32>(src[e >> 2u]), (e & 3u) * 8u, 8u));"),
            Ctype::U16 => ("u32", "return r_from_u32((src[e >> 1u] >> ((e & 1u) * 16u)) & 0xffffu);"),
            Ctype::I16 => ("u32", "return r_from_i32(extractBits(bitcast<i32>(src[e >> 1u]), (e & 1u) * 16u, 16u));"),
            Ctype::U32 => ("u32", "return r_from_u32(src[e]);"),
            Ctype::I32 => ("u32", "return r_from_i32(bitcast<i32>(src[e]));"),
            Ctype::U64 => ("u32", "return r_from_u64(src[2u * e], src[2u * e + 1u]);"),
            Ctype::I64 => ("u32", "return r_from_i64(src[2u * e], src[2u * e + 1u]);"),
            Ctype::F32 => ("u32", "return r_from_f32(src[e]);"),
            Ctype::F64 => ("R", "return src[e];"),
        },
    };
    format!("@group(0) @binding(0) var<storage, read> src: array<{array}>;\nfn load(e: u32) -> R {{ {body} }}\n")
}

/// `store(v)`: `v` as the pixel type holds it (C++'s `static_cast`, saturating as ITK's
/// casts do), kept in `f64`.
fn store(ctype: Ctype) -> String {
    let body = match ctype {
        Ctype::F64 => "return v;",
        Ctype::F32 => "return r_round_f32(v);",
        _ => "return r_clamp(r_trunc(v), reals[0], reals[1]);",
    };
    format!("fn store(v: R) -> R {{ {body} }}\n")
}

/// `key(e)`: a value that orders and compares like the label at `e`: the value itself as
/// an `R` (exact for every type but 64-bit integers), the words of 64-bit integers.
fn key(ctype: Ctype) -> String {
    match ctype {
        Ctype::U64 | Ctype::I64 => {
            let flip = if ctype == Ctype::I64 { "0x80000000u" } else { "0u" };
            format!(
                r#"
alias Key = vec2<u32>;
fn key(e: u32) -> Key {{ return vec2<u32>(src[2u * e + 1u] ^ {flip}, src[2u * e]); }}
fn key_less(a: Key, b: Key) -> bool {{ return a.x < b.x || (a.x == b.x && a.y < b.y); }}
fn key_equal(a: Key, b: Key) -> bool {{ return a.x == b.x && a.y == b.y; }}
"#
            )
        }
        _ => r#"
alias Key = R;
fn key(e: u32) -> Key { return load(e); }
fn key_less(a: Key, b: Key) -> bool { return r_lt(a, b); }
fn key_equal(a: Key, b: Key) -> bool { return r_eq(a, b); }
"#
        .to_string(),
    }
}

// params: 1 components, 2..5 source extents, 5..8 destination extents, 8 axis, 9 n (the
// image's size along the axis), 10 first buffered index along it, 11 radius, 12 kernel
// length, 16.. the needed indices along the axis.
const PASS: &str = r#"
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = value_index(gid, groups);
    if (i >= params[0]) { return; }
    let c = params[1];
    let p = position(i, 5u, c);
    let axis = params[8];
    let n = params[9];
    let start = params[10];
    let r = params[11];
    var at = vec3<u32>(p.x, p.y, p.z);
    let index = params[16u + at[axis]];
    var acc = reals[5];
    for (var j = 0u; j < params[12]; j = j + 1u) {
        // Zero-flux Neumann: indices clamp to the image (not the slab).
        at[axis] = min(max(index + j, r) - r, n - 1u) - start;
        acc = r_add(acc, r_mul(reals[8u + j], load(linear(at.x, at.y, at.z, p.w, 2u, c))));
    }
    dst[i] = store(acc);
}
"#;

// params: 1 components, 2..5 output extents, 5..8 source extents (the needed indices),
// 8..11 whether each axis interpolates halfway, 11..14 offsets of each axis's table of
// first needed positions.
const INTERPOLATE: &str = r#"
fn corner(x: u32, y: u32, z: u32, w: u32, c: u32) -> R {
    return load(linear(x, y, z, w, 5u, c));
}

// lo + (hi - lo) / 2, as the component writes it.
fn halfway(lo: R, hi: R) -> R {
    return r_add(lo, r_mul(r_sub(hi, lo), reals[4]));
}

fn along_x(x: u32, y: u32, z: u32, w: u32, c: u32) -> R {
    let lo = corner(x, y, z, w, c);
    if (params[8] == 0u) { return lo; }
    return halfway(lo, corner(x + 1u, y, z, w, c));
}

fn along_y(x: u32, y: u32, z: u32, w: u32, c: u32) -> R {
    let lo = along_x(x, y, z, w, c);
    if (params[9] == 0u) { return lo; }
    return halfway(lo, along_x(x, y + 1u, z, w, c));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = value_index(gid, groups);
    if (i >= params[0]) { return; }
    let c = params[1];
    let p = position(i, 2u, c);
    let first = first_read(p);
    let x = first.x;
    let y = first.y;
    let z = first.z;
    var v = along_y(x, y, z, p.w, c);
    if (params[10] != 0u) {
        v = halfway(v, along_y(x, y, z + 1u, p.w, c));
    }
    dst[i] = store(v);
}
"#;

// params: 1 components, 2..5 output extents, 5..8 source extents, 8..11 shrink factors,
// 11..14 first output index, 14..17 first buffered index.
const BIN_SHRINK: &str = r#"
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = value_index(gid, groups);
    if (i >= params[0]) { return; }
    let c = params[1];
    let p = position(i, 2u, c);
    let x0 = (params[11] + p.x) * params[8] - params[14];
    let y0 = (params[12] + p.y) * params[9] - params[15];
    let z0 = (params[13] + p.z) * params[10] - params[16];
    // The component's order: each column's rows (z outer, y inner), then the columns.
    var total = reals[5];
    for (var dx = 0u; dx < params[8]; dx = dx + 1u) {
        var column = reals[5];
        var first = true;
        for (var dz = 0u; dz < params[10]; dz = dz + 1u) {
            for (var dy = 0u; dy < params[9]; dy = dy + 1u) {
                let v = load(linear(x0 + dx, y0 + dy, z0 + dz, p.w, 5u, c));
                if (first) { column = v; first = false; } else { column = r_add(column, v); }
            }
        }
        if (dx == 0u) { total = column; } else { total = r_add(total, column); }
    }
    var mean = r_mul(total, reals[3]);
    if (ROUND_HALF_UP) { mean = r_floor(r_add(mean, reals[4]), reals[6]); }
    dst[i] = store(mean);
}
"#;

// params: 1 components (1), 2..5 output extents, 5..8 source extents, 8..11 halfway flags,
// 11..14 offsets of each axis's table of first input indices (buffered coordinates).
const LABEL: &str = r#"
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = value_index(gid, groups);
    if (i >= params[0]) { return; }
    let p = position(i, 2u, 1u);
    let first = first_read(p);
    let x = first.x;
    let y = first.y;
    let z = first.z;
    // The input values around the position, in the component's order (x fastest).
    var at: array<u32, 8>;
    var n = 0u;
    for (var dz = 0u; dz <= params[10]; dz = dz + 1u) {
        for (var dy = 0u; dy <= params[9]; dy = dy + 1u) {
            for (var dx = 0u; dx <= params[8]; dx = dx + 1u) {
                at[n] = linear(x + dx, y + dy, z + dz, 0u, 5u, 1u);
                n = n + 1u;
            }
        }
    }
    // The most frequent label, the smallest on a tie; the first of its values.
    var best = 0u;
    var best_count = 0u;
    for (var a = 0u; a < n; a = a + 1u) {
        let ka = key(at[a]);
        var count = 0u;
        var seen = false;
        for (var b = 0u; b < n; b = b + 1u) {
            let kb = key(at[b]);
            if (key_equal(ka, kb)) {
                count = count + 1u;
                if (b < a) { seen = true; }
            }
        }
        if (seen) { continue; }
        let kbest = key(at[best]);
        if (count > best_count || (count == best_count && key_less(ka, kbest))) {
            best = a;
            best_count = count;
        }
    }
    dst[i] = at[best];
}
"#;
