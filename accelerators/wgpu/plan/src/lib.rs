//! What witk's GPU downsample computes, as a [`Program`]: per slab, the buffers, the
//! WGSL dispatches with their parameters, and how the result comes back.
//!
//! The rules live here once, for both executors: `witk-wgpu` runs programs through wgpu
//! (Vulkan, Metal, DX12), `@witk/downsample-webgpu` through the browser's WebGPU, with this
//! crate compiled to a small wasm module ([`wasm`]). The geometry, kernels and checks are
//! the downsample component's own code (`witk-downsample`'s `plan` and `kernel`), and the
//! kernels ([`shaders`]) repeat its arithmetic in binary64, so both executors give the
//! component's bytes.
//!
//! Images larger than one storage binding are split along the slowest axis into slabs,
//! each with the input planes its kernels read (the Gaussian's radius around it: the halo).

pub mod shaders;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use shaders::{Kernel, Precision, Source};
pub use witk_downsample_component::{Failure, Grid, Method};
pub use witk_spatial::ComponentType as Ctype;

use witk_downsample_component::plan::{self, Axis, Plan};
use witk_downsample_component::{Code, Region};

/// The kernels index with `u32` and take up to three axes.
pub const MAX_DIMENSION: usize = 3;

/// An input image as the planner sees it: its grid, pixel type and byte length.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    pub grid: &'a Grid,
    pub ctype: Ctype,
    pub components: usize,
    pub bytes: usize,
}

/// Why a call has no program.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// The call is invalid; the component says so in its own words.
    Invalid(Failure),
    /// Valid, but not for the GPU (4-D images, a plane larger than a binding).
    Unsupported(String),
}

/// The compiled kernel a dispatch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShaderKey {
    pub precision: Precision,
    pub kernel: Kernel,
    pub source: Source,
    pub ctype: Ctype,
    /// One component per pixel (bin-shrink rounds scalar integer means, truncates others).
    pub scalar: bool,
}

impl ShaderKey {
    /// The kernel's WGSL.
    pub fn wgsl(&self) -> String {
        shaders::source(self.precision, self.kernel, self.source, self.ctype, if self.scalar { 1 } else { 2 })
    }
}

/// One dispatch: `count` invocations of `shader` reading buffer `src`, writing `dst`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub shader: ShaderKey,
    pub src: usize,
    pub dst: usize,
    /// Binding 2; `params[0]` is the number of values computed.
    pub params: Vec<u32>,
    /// Binding 3, as f64 bytes.
    pub reals: Vec<f64>,
}

impl Step {
    /// Workgroups to dispatch, (x, y): one invocation per value, at most 65535 per axis.
    pub fn workgroups(&self) -> (u32, u32) {
        let groups = self.params[0].div_ceil(shaders::WORKGROUP).max(1);
        let x = groups.min(65535);
        (x, groups.div_ceil(x))
    }
}

/// How a slab's result buffer becomes pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// f64 values already stored in the pixel type: cast them ([`cast_into`]).
    Cast,
    /// u32 indices of input values within the slab (label voting): copy those values.
    Gather,
}

/// The work on one slab of output planes.
#[derive(Debug, Clone, PartialEq)]
pub struct Slab {
    /// The input bytes the slab reads: buffer 0 holds them, padded to whole words.
    pub input: (usize, usize),
    /// Buffer sizes in bytes (multiples of 8); buffer 0 is the input.
    pub buffers: Vec<u64>,
    pub steps: Vec<Step>,
    /// The buffer holding the result and its length in bytes.
    pub output: usize,
    pub output_bytes: u64,
    pub finish: Finish,
}

/// A call's work: the output grid and one program per slab; the slabs' pixels, in order,
/// are the output's.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub grid: Grid,
    pub slabs: Vec<Slab>,
}

/// The program of `method` on `input`, each buffer at most `max_binding` bytes.
pub fn program(
    method: Method,
    input: Header<'_>,
    shrink: &[u32],
    crop: Option<&[u32]>,
    max_binding: u64,
    precision: Precision,
) -> Result<Program, PlanError> {
    let grid = input.grid;
    let c = input.components;
    let whole = Region::whole(&grid.size);
    let size = input.ctype.size();
    let count = input.bytes.is_multiple_of(size).then_some(input.bytes / size);
    plan::check_image(grid, c, &whole, count.or(Some(usize::MAX))).map_err(PlanError::Invalid)?;
    if method == Method::Label && c != 1 {
        return Err(PlanError::Invalid(Failure::new(Code::Unsupported, "label images have one component")));
    }
    let d = grid.size.len();
    if d > MAX_DIMENSION {
        return Err(PlanError::Unsupported(format!("{d}-D images (the GPU kernels take up to 3 axes)")));
    }
    let overall = plan::plan(method, grid, c, &whole, shrink, crop, None).map_err(PlanError::Invalid)?;
    let planes = overall.output.size[d - 1] as usize;
    // The fewest slabs whose buffers all fit one binding.
    let mut slabs = 1;
    loop {
        let plans = (0..slabs)
            .map(|k| slab_plan(method, input, shrink, crop, &overall, planes * k / slabs, planes * (k + 1) / slabs))
            .collect::<Result<Vec<_>, _>>()?;
        let programs = plans.iter().map(|p| slab(p, input, precision)).collect::<Result<Vec<_>, _>>()?;
        let biggest = programs.iter().flat_map(|s| s.buffers.iter().copied()).max().unwrap_or(0);
        if biggest <= max_binding {
            return Ok(Program { grid: overall.output, slabs: programs });
        }
        if slabs == planes {
            return Err(PlanError::Unsupported(format!(
                "one output plane needs a {biggest}-byte buffer; this device binds at most {max_binding}"
            )));
        }
        slabs = (slabs * 2).min(planes);
    }
}

/// The plan of output planes `o0..o1` along the slowest axis, its input cut to the planes
/// they read.
fn slab_plan(
    method: Method,
    input: Header<'_>,
    shrink: &[u32],
    crop: Option<&[u32]>,
    overall: &Plan,
    o0: usize,
    o1: usize,
) -> Result<Plan, PlanError> {
    let grid = input.grid;
    let top = grid.size.len() - 1;
    let mut region = overall.region.clone();
    region.index[top] = o0 as u64;
    region.size[top] = (o1 - o0) as u64;
    let whole = Region::whole(&grid.size);
    let reads = plan::plan(method, grid, input.components, &whole, shrink, crop, Some(&region))
        .map_err(PlanError::Invalid)?
        .axes[top]
        .reads(method);
    let mut buffered = whole;
    buffered.index[top] = reads.0 as u64;
    buffered.size[top] = (reads.1 - reads.0 + 1) as u64;
    plan::plan(method, grid, input.components, &buffered, shrink, crop, Some(&region)).map_err(PlanError::Invalid)
}

/// The three axes the kernels see: the plan's, then axes of one pixel.
fn axes3(p: &Plan) -> Vec<Axis> {
    let mut axes = p.axes.clone();
    while axes.len() < MAX_DIMENSION {
        axes.push(Axis {
            n: 1,
            buffer_start: 0,
            buffer_len: 1,
            shrink: 1,
            out_start: 0,
            out_len: 1,
            needed: vec![0],
            corners: vec![(0, None)],
            kernel: Vec::new(),
            radius: 0,
        });
    }
    axes
}

fn half(a: &Axis) -> u32 {
    u32::from(a.corners.first().is_some_and(|c| c.1.is_some()))
}

fn u32s(values: impl IntoIterator<Item = usize>) -> Result<Vec<u32>, PlanError> {
    values
        .into_iter()
        .map(|v| u32::try_from(v).map_err(|_| PlanError::Unsupported("an index past 2^32 in one slab".into())))
        .collect()
}

/// The f64 constants every kernel reads (see `shaders`), then `extra`.
fn reals(ctype: Ctype, inverse: f64, extra: &[f64]) -> Vec<f64> {
    let (min, max) = match ctype {
        Ctype::I8 => (i8::MIN as f64, i8::MAX as f64),
        Ctype::U8 => (0.0, u8::MAX as f64),
        Ctype::I16 => (i16::MIN as f64, i16::MAX as f64),
        Ctype::U16 => (0.0, u16::MAX as f64),
        Ctype::I32 => (i32::MIN as f64, i32::MAX as f64),
        Ctype::U32 => (0.0, u32::MAX as f64),
        Ctype::I64 => (i64::MIN as f64, i64::MAX as f64),
        Ctype::U64 => (0.0, u64::MAX as f64),
        Ctype::F32 | Ctype::F64 => (f64::NEG_INFINITY, f64::INFINITY),
    };
    let mut r = vec![min, max, 4294967296.0, inverse, 0.5, 0.0, 1.0, 0.0];
    r.extend_from_slice(extra);
    r
}

/// Bytes of `values` f64 or u32 values, rounded up to whole 8-byte words.
fn bytes(values: usize, each: usize) -> u64 {
    ((values * each) as u64).max(8).next_multiple_of(8)
}

/// One slab's buffers and dispatches.
fn slab(p: &Plan, input: Header<'_>, precision: Precision) -> Result<Slab, PlanError> {
    let ctype = input.ctype;
    let c = p.components;
    let axes = axes3(p);
    let d = p.axes.len();
    let plane: usize = p.axes[..d - 1].iter().map(|a| a.buffer_len).product::<usize>() * c * ctype.size();
    let top = &p.axes[d - 1];
    let range = (top.buffer_start * plane, (top.buffer_start + top.buffer_len) * plane);
    let out_ext: Vec<usize> = axes.iter().map(|a| a.out_len).collect();
    let out_values = out_ext.iter().product::<usize>() * c;
    let scalar = c == 1;
    let key = |kernel, source| ShaderKey { precision, kernel, source, ctype, scalar };
    let mut buffers = vec![bytes(range.1 - range.0, 1)];
    let mut steps = Vec::new();
    let mut ext: Vec<usize> = axes.iter().map(|a| a.buffer_len).collect();
    let finish = match p.method {
        Method::Gaussian => {
            let (mut src, mut source) = (0, Source::Pixels(ctype));
            for a in (0..d).rev() {
                let axis = &axes[a];
                let mut next = ext.clone();
                next[a] = axis.needed.len();
                let values = next.iter().product::<usize>() * c;
                buffers.push(bytes(values, 8));
                let dst = buffers.len() - 1;
                let mut params = u32s([values, c, ext[0], ext[1], ext[2], next[0], next[1], next[2]])?;
                params.extend(u32s([a, axis.n, axis.buffer_start, axis.radius, axis.kernel.len(), 0, 0, 0])?);
                params.extend(u32s(axis.needed.iter().copied())?);
                steps.push(Step {
                    shader: key(Kernel::Pass, source),
                    src,
                    dst,
                    params,
                    reals: reals(ctype, 0.0, &axis.kernel),
                });
                (src, source, ext) = (dst, Source::Real, next);
            }
            buffers.push(bytes(out_values, 8));
            let mut params = u32s([out_values, c, out_ext[0], out_ext[1], out_ext[2], ext[0], ext[1], ext[2]])?;
            params.extend([half(&axes[0]), half(&axes[1]), half(&axes[2])]);
            let offset = params.len() + 3;
            params.extend(u32s([offset, offset + out_ext[0], offset + out_ext[0] + out_ext[1]])?);
            for a in &axes {
                params.extend(u32s(a.corners.iter().map(|&(lo, _)| lo))?);
            }
            let dst = buffers.len() - 1;
            steps.push(Step {
                shader: key(Kernel::Interpolate, source),
                src,
                dst,
                params,
                reals: reals(ctype, 0.0, &[]),
            });
            Finish::Cast
        }
        Method::BinShrink => {
            buffers.push(bytes(out_values, 8));
            let mut params = u32s([out_values, c, out_ext[0], out_ext[1], out_ext[2], ext[0], ext[1], ext[2]])?;
            params.extend(u32s(axes.iter().map(|a| a.shrink))?);
            params.extend(u32s(axes.iter().map(|a| a.out_start))?);
            params.extend(u32s(axes.iter().map(|a| a.buffer_start))?);
            let samples: usize = p.axes.iter().map(|a| a.shrink).product();
            let r = reals(ctype, 1.0 / samples as f64, &[]);
            steps.push(Step {
                shader: key(Kernel::BinShrink, Source::Pixels(ctype)),
                src: 0,
                dst: 1,
                params,
                reals: r,
            });
            Finish::Cast
        }
        Method::Label => {
            buffers.push(bytes(out_values, 4));
            let mut params = u32s([out_values, 1, out_ext[0], out_ext[1], out_ext[2], ext[0], ext[1], ext[2]])?;
            params.extend([half(&axes[0]), half(&axes[1]), half(&axes[2])]);
            let offset = params.len() + 3;
            params.extend(u32s([offset, offset + out_ext[0], offset + out_ext[0] + out_ext[1]])?);
            for a in &axes {
                params.extend(u32s(a.corners.iter().map(|&(lo, _)| a.needed[lo] - a.buffer_start))?);
            }
            let r = reals(ctype, 0.0, &[]);
            steps.push(Step { shader: key(Kernel::Label, Source::Pixels(ctype)), src: 0, dst: 1, params, reals: r });
            Finish::Gather
        }
    };
    let output = buffers.len() - 1;
    let each = if finish == Finish::Gather { 4 } else { 8 };
    Ok(Slab { input: range, buffers, steps, output, output_bytes: (out_values * each) as u64, finish })
}

/// Values the kernels already stored in the pixel type, appended to `out` as that type's
/// little-endian bytes.
pub fn cast_into(ctype: Ctype, values: &[f64], out: &mut Vec<u8>) {
    macro_rules! cast {
        ($t:ty) => {
            for &v in values {
                out.extend_from_slice(&(v as $t).to_le_bytes());
            }
        };
    }
    match ctype {
        Ctype::I8 => cast!(i8),
        Ctype::U8 => cast!(u8),
        Ctype::I16 => cast!(i16),
        Ctype::U16 => cast!(u16),
        Ctype::I32 => cast!(i32),
        Ctype::U32 => cast!(u32),
        Ctype::I64 => cast!(i64),
        Ctype::U64 => cast!(u64),
        Ctype::F32 => cast!(f32),
        Ctype::F64 => cast!(f64),
    }
}
