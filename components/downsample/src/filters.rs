//! The filters, generic over the component type, on a checked [`Plan`].
//!
//! Images are stored x fastest with components interleaved. The Gaussian runs one 1-D
//! pass per axis from the slowest to the fastest, as ITK-Wasm's DiscreteGaussianImageFilter
//! does, each pass accumulating in `f64` in kernel order (so results are bit-for-bit
//! ITK's) and storing in the pixel type; a pass only computes the rows the next stages
//! read. The slower axes' passes add whole rows and planes (vectorizable), the fastest
//! axis convolves a padded row. Output planes along the slowest axis are produced one at
//! a time from the (one or two) smoothed planes they interpolate, so memory stays at a
//! few planes beyond the input and output.

use crate::plan::{Axis, Method, Plan};
use crate::sample::Sample;
use crate::{Code, Failure};

/// Values accumulated at once in a plane pass: small enough for the L1 cache.
const CHUNK: usize = 2048;

/// How output pixels read a source buffer along one axis: the offset of the first pixel
/// each output index reads, and the offsets, relative to it, of all it reads (`[0]` at a
/// pixel, `[0, step]` halfway between two, a block's offsets for bin shrink).
struct Table {
    starts: Vec<usize>,
    deltas: Vec<usize>,
}

/// Run `plan` on the buffered input pixels `src`; returns the output region's pixels.
pub fn run<T: Sample>(plan: &Plan, src: &[T]) -> Result<Vec<T>, Failure> {
    let c = plan.components;
    let mut out = alloc::<T>(plan.region.pixel_count()? * c)?;
    let buffer_strides = strides(plan.axes.iter().map(|a| a.buffer_len), c);
    match plan.method {
        Method::Gaussian => gaussian(plan, src, &mut out)?,
        Method::Label => {
            let tables: Vec<Table> = plan
                .axes
                .iter()
                .zip(&buffer_strides)
                .map(|(a, &s)| Table {
                    starts: a.corners.iter().map(|&(lo, _)| (a.needed[lo] - a.buffer_start) * s).collect(),
                    deltas: if half(a) { vec![0, s] } else { vec![0] },
                })
                .collect();
            vote(src, &tables, &mut out);
        }
        Method::BinShrink => {
            let tables: Vec<Table> = plan
                .axes
                .iter()
                .zip(&buffer_strides)
                .map(|(a, &s)| Table {
                    starts: (a.out_start..a.out_start + a.out_len)
                        .map(|o| (o * a.shrink - a.buffer_start) * s)
                        .collect(),
                    deltas: (0..a.shrink).map(|j| j * s).collect(),
                })
                .collect();
            let samples: usize = plan.axes.iter().map(|a| a.shrink).product();
            bin_mean(src, &tables, &plan.axes[0], c, 1.0 / samples as f64, &mut out);
        }
    }
    Ok(out)
}

/// Whether an axis's output positions lie halfway between two pixels (even shrink factors).
fn half(a: &Axis) -> bool {
    a.corners.first().is_some_and(|c| c.1.is_some())
}

fn alloc<T>(n: usize) -> Result<Vec<T>, Failure> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        Failure::new(Code::LimitExceeded, format!("cannot allocate {n} values of {} bytes", std::mem::size_of::<T>()))
    })?;
    Ok(v)
}

/// Element strides of an x-fastest array with these extents and `c` components.
fn strides(extents: impl Iterator<Item = usize>, c: usize) -> Vec<usize> {
    let mut s = c;
    extents
        .map(|e| {
            let here = s;
            s *= e;
            here
        })
        .collect()
}

#[derive(Default)]
struct Scratch {
    acc: Vec<f64>,
    pad: Vec<f64>,
    taps: Vec<(f64, usize)>,
}

/// Smooth, then interpolate at the output positions, one output plane (along the slowest
/// axis) at a time.
fn gaussian<T: Sample>(plan: &Plan, src: &[T], out: &mut Vec<T>) -> Result<(), Failure> {
    let (axes, c) = (&plan.axes, plan.components);
    let d = axes.len();
    let ext: Vec<usize> = axes.iter().map(|a| a.buffer_len).collect();
    let mut scratch = Scratch::default();
    let mut planes: Vec<Vec<T>> = vec![Vec::new(); d];
    // Smoothed values at the needed pixels of the axes below the top one.
    let lower = &axes[..d - 1];
    let st = strides(axes.iter().map(|a| a.needed.len()), c);
    let mut tables: Vec<Table> = axes
        .iter()
        .zip(&st)
        .map(|(a, &s)| Table {
            starts: a.corners.iter().map(|&(lo, _)| lo * s).collect(),
            deltas: if half(a) { vec![0, s] } else { vec![0] },
        })
        .collect();
    if d == 1 {
        let mut smoothed = alloc::<T>(axes[0].needed.len() * c)?;
        row_pass(src, &axes[0], c, &mut scratch, &mut smoothed);
        interpolate(&smoothed, &tables, c, out);
        return Ok(());
    }
    let top = &axes[d - 1];
    let inner = c * ext[..d - 1].iter().product::<usize>();
    let plane_len = st[d - 1];
    let mut smoothed = alloc::<T>(2 * plane_len)?;
    let (plane, below) = planes.split_last_mut().expect("d >= 2");
    plane.resize(inner, T::default());
    // The top axis's table, per output plane: the first smoothed plane, and the second
    // (stored right after it) when the position lies halfway.
    tables[d - 1] = Table { starts: vec![0], deltas: if half(top) { vec![0, plane_len] } else { vec![0] } };
    for &(lo, hi) in &top.corners {
        smoothed.clear();
        for index in std::iter::once(lo).chain(hi).map(|p| top.needed[p]) {
            plane_pass(src, inner, index, top, &mut scratch, plane);
            smooth(plane, &ext[..d - 1], lower, c, below, &mut scratch, &mut smoothed);
        }
        interpolate(&smoothed, &tables, c, out);
    }
    Ok(())
}

/// Smooth `src` (axes `0..axes.len()`, extents `ext`, the slowest axis last) along every
/// axis, appending the values at the `needed` indices of every axis to `out`, row-major.
fn smooth<T: Sample>(
    src: &[T],
    ext: &[usize],
    axes: &[Axis],
    c: usize,
    planes: &mut [Vec<T>],
    scratch: &mut Scratch,
    out: &mut Vec<T>,
) {
    let a = axes.len() - 1;
    let axis = &axes[a];
    if a == 0 {
        row_pass(src, axis, c, scratch, out);
        return;
    }
    let inner = c * ext[..a].iter().product::<usize>();
    let (plane, lower) = planes.split_last_mut().expect("one plane buffer per axis above x");
    plane.resize(inner, T::default());
    for &index in &axis.needed {
        plane_pass(src, inner, index, axis, scratch, plane);
        smooth(plane, &ext[..a], &axes[..a], c, lower, scratch, out);
    }
}

/// One plane (or row) of a pass along a slow axis: the kernel-weighted sum of the input
/// planes around `index` (clamped at the image's edges: zero-flux Neumann).
fn plane_pass<T: Sample>(src: &[T], inner: usize, index: usize, axis: &Axis, scratch: &mut Scratch, plane: &mut [T]) {
    let at = |i: usize| (i - axis.buffer_start) * inner;
    if T::INTEGER && axis.identity_kernel() {
        plane.copy_from_slice(&src[at(index)..][..inner]);
        return;
    }
    let r = axis.radius;
    scratch.taps.clear();
    for (j, &w) in axis.kernel.iter().enumerate() {
        let i = (index + j).saturating_sub(r).min(axis.n - 1);
        scratch.taps.push((w, at(i)));
    }
    scratch.acc.resize(CHUNK, 0.0);
    let mut start = 0;
    while start < inner {
        let len = CHUNK.min(inner - start);
        let acc = &mut scratch.acc[..len];
        let (w, offset) = scratch.taps[0];
        for (a, v) in acc.iter_mut().zip(&src[offset + start..offset + start + len]) {
            *a = 0.0 + w * v.to_f64();
        }
        for &(w, offset) in &scratch.taps[1..] {
            for (a, v) in acc.iter_mut().zip(&src[offset + start..offset + start + len]) {
                *a += w * v.to_f64();
            }
        }
        for (p, a) in plane[start..start + len].iter_mut().zip(acc.iter()) {
            *p = T::cast(*a);
        }
        start += len;
    }
}

/// The pass along x on one row: a padded copy in `f64` (edges repeated), then one
/// shifted multiply-add per kernel tap over the span of needed pixels.
fn row_pass<T: Sample>(row: &[T], axis: &Axis, c: usize, scratch: &mut Scratch, out: &mut Vec<T>) {
    let dense = axis.needed.len() == axis.needed[axis.needed.len() - 1] - axis.needed[0] + 1;
    let at = |x: usize| (x - axis.buffer_start) * c;
    if T::INTEGER && axis.identity_kernel() {
        if dense {
            out.extend_from_slice(&row[at(axis.needed[0])..at(axis.needed[axis.needed.len() - 1]) + c]);
        } else {
            for &x in &axis.needed {
                out.extend_from_slice(&row[at(x)..at(x) + c]);
            }
        }
        return;
    }
    let first = axis.needed[0];
    let span = axis.needed[axis.needed.len() - 1] - first + 1;
    let r = axis.radius;
    // Input pixels first - r ..= last + r, clamped to the image.
    let (lo, hi) = (first as isize - r as isize, (first + span + r) as isize - 1);
    let (in_lo, in_hi) = (lo.max(0) as usize, (hi as usize).min(axis.n - 1));
    let pad = &mut scratch.pad;
    pad.clear();
    for _ in lo..0 {
        pad.extend(row[at(0)..at(0) + c].iter().map(|v| v.to_f64()));
    }
    pad.extend(row[at(in_lo)..at(in_hi) + c].iter().map(|v| v.to_f64()));
    for _ in (axis.n as isize)..=hi {
        pad.extend(row[at(axis.n - 1)..at(axis.n - 1) + c].iter().map(|v| v.to_f64()));
    }
    let acc = &mut scratch.acc;
    acc.clear();
    acc.resize(span * c, 0.0);
    for (j, &w) in axis.kernel.iter().enumerate() {
        for (a, v) in acc.iter_mut().zip(&pad[j * c..j * c + span * c]) {
            *a += w * v;
        }
    }
    if dense {
        out.extend(acc.iter().map(|&v| T::cast(v)));
    } else {
        for &x in &axis.needed {
            out.extend(acc[(x - first) * c..][..c].iter().map(|&v| T::cast(v)));
        }
    }
}

/// Call `f` for every output row (x varies inside) in row-major order, with the source
/// offsets of the rows it reads: along each slower axis the table's offsets, expanded so
/// that axis 1 varies fastest (adjacent pairs differ along axis 1, then axis 2, ...).
fn for_each_row(tables: &[Table], mut f: impl FnMut(&[usize])) {
    let d = tables.len();
    let mut index = vec![0usize; d];
    let (mut bases, mut next) = (Vec::new(), Vec::new());
    loop {
        bases.clear();
        bases.push(0);
        for k in (1..d).rev() {
            next.clear();
            let start = tables[k].starts[index[k]];
            for &b in &bases {
                next.extend(tables[k].deltas.iter().map(|&o| b + start + o));
            }
            std::mem::swap(&mut bases, &mut next);
        }
        f(&bases);
        let mut k = 1;
        loop {
            if k >= d {
                return;
            }
            index[k] += 1;
            if index[k] < tables[k].starts.len() {
                break;
            }
            index[k] = 0;
            k += 1;
        }
    }
}

/// Linear interpolation at the output positions (weights 1 or 1/2 per axis), in ITK's
/// order: along x, then y, then z, ...; results cast to the pixel type.
fn interpolate<T: Sample>(src: &[T], tables: &[Table], c: usize, out: &mut Vec<T>) {
    let xs = &tables[0];
    let width = xs.starts.len() * c;
    let mut rows: Vec<f64> = Vec::new();
    for_each_row(tables, |bases| {
        rows.resize(bases.len() * width, 0.0);
        for (r, &base) in bases.iter().enumerate() {
            let row = &mut rows[r * width..(r + 1) * width];
            match xs.deltas[..] {
                [_, step] => {
                    for (values, &start) in row.chunks_exact_mut(c).zip(&xs.starts) {
                        let (a, b) = (&src[base + start..base + start + c], &src[base + start + step..][..c]);
                        for ((v, lo), hi) in values.iter_mut().zip(a).zip(b) {
                            let lo = lo.to_f64();
                            *v = lo + (hi.to_f64() - lo) * 0.5;
                        }
                    }
                }
                _ => {
                    for (values, &start) in row.chunks_exact_mut(c).zip(&xs.starts) {
                        for (v, x) in values.iter_mut().zip(&src[base + start..base + start + c]) {
                            *v = x.to_f64();
                        }
                    }
                }
            }
        }
        let mut n = bases.len();
        while n > 1 {
            for i in 0..n / 2 {
                let (done, rest) = rows.split_at_mut((2 * i + 1) * width);
                let (lo, hi) = (&mut done[2 * i * width..], &rest[..width]);
                for (l, h) in lo.iter_mut().zip(hi) {
                    *l += (h - *l) * 0.5;
                }
                if i > 0 {
                    rows.copy_within(2 * i * width..(2 * i + 1) * width, i * width);
                }
            }
            n /= 2;
        }
        out.extend(rows[..width].iter().map(|&v| T::cast(v)));
    });
}

/// Label voting: each output pixel takes the most frequent label among the pixels around
/// its position (all weigh the same), the smallest on a tie.
fn vote<T: Sample>(src: &[T], tables: &[Table], out: &mut Vec<T>) {
    let xs = &tables[0];
    let mut values: Vec<T> = Vec::new();
    for_each_row(tables, |bases| {
        // The rows this output row reads, as slices starting at its first pixel.
        let rows: Vec<&[T]> = bases.iter().map(|&b| &src[b..]).collect();
        values.resize(rows.len() * xs.deltas.len(), T::default());
        for &start in &xs.starts {
            let first = rows[0][start];
            let mut uniform = true;
            for (chunk, row) in values.chunks_exact_mut(xs.deltas.len()).zip(&rows) {
                for (v, &o) in chunk.iter_mut().zip(&xs.deltas) {
                    *v = row[start + o];
                    uniform &= *v == first;
                }
            }
            out.push(if uniform { first } else { majority(&mut values) });
        }
    });
}

/// The most frequent value, the smallest among equally frequent ones.
fn majority<T: Sample>(v: &mut [T]) -> T {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
    let (mut best, mut best_count) = (v[0], 0);
    let mut i = 0;
    while i < v.len() {
        let mut j = i + 1;
        while j < v.len() && v[j] == v[i] {
            j += 1;
        }
        if j - i > best_count {
            best = v[i];
            best_count = j - i;
        }
        i = j;
    }
    best
}

/// Block means, exact for integer pixels: the block's rows are added over the whole
/// input span of the output row (vectorizable; in `i32` for 8- and 16-bit pixels, else
/// `f64`), then each block's columns; times `1 / samples` in `f64`, rounded half up for
/// scalar integer images and truncated for multi-component ones, as ITK-Wasm's scalar and
/// vector images do.
fn bin_mean<T: Sample>(src: &[T], tables: &[Table], axis: &Axis, c: usize, inverse: f64, out: &mut Vec<T>) {
    let s = axis.shrink;
    let start = tables[0].starts[0];
    let width = axis.out_len * s * c;
    let small = T::SMALL && inverse >= 1.0 / 32768.0;
    let mut acc = vec![0.0f64; width];
    let mut acc_i = vec![0i32; if small { width } else { 0 }];
    let mut means = vec![0.0f64; axis.out_len * c];
    for_each_row(tables, |bases| {
        for (r, &base) in bases.iter().enumerate() {
            let row = &src[base + start..base + start + width];
            match (small, r) {
                (true, 0) => acc_i.iter_mut().zip(row).for_each(|(a, v)| *a = v.to_i32()),
                (true, _) => acc_i.iter_mut().zip(row).for_each(|(a, v)| *a += v.to_i32()),
                (false, 0) => acc.iter_mut().zip(row).for_each(|(a, v)| *a = v.to_f64()),
                (false, _) => acc.iter_mut().zip(row).for_each(|(a, v)| *a += v.to_f64()),
            }
        }
        if c == 1 && s == 2 {
            // The common case: pairs of columns.
            if small {
                for (m, pair) in means.iter_mut().zip(acc_i.chunks_exact(2)) {
                    *m = (pair[0] + pair[1]) as f64;
                }
            } else {
                for (m, pair) in means.iter_mut().zip(acc.chunks_exact(2)) {
                    *m = pair[0] + pair[1];
                }
            }
        } else {
            if small {
                acc.iter_mut().zip(&acc_i).for_each(|(a, &v)| *a = v as f64);
            }
            for (mean, block) in means.chunks_exact_mut(c).zip(acc.chunks_exact(s * c)) {
                mean.copy_from_slice(&block[..c]);
                for column in block[c..].chunks_exact(c) {
                    for (m, v) in mean.iter_mut().zip(column) {
                        *m += v;
                    }
                }
            }
        }
        if c == 1 {
            out.extend(means.iter().map(|&a| T::round(a * inverse)));
        } else {
            out.extend(means.iter().map(|&a| T::cast(a * inverse)));
        }
    });
}
