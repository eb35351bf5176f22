//! What a downsampling call computes: the output grid (ITK's geometry), the output
//! region asked for, and per axis the input pixels each output pixel reads.

use crate::kernel;
use crate::{Code, Failure};

/// The three filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Discrete Gaussian anti-aliasing, then linear interpolation at block centres.
    Gaussian,
    /// Block means.
    BinShrink,
    /// Label voting at block centres (linear-interpolation weights, no smoothing).
    Label,
}

/// ITK's maximum error and width of the Gaussian kernel in DiscreteGaussianImageFilter.
pub const MAX_KERNEL_ERROR: f64 = 0.01;
pub const MAX_KERNEL_WIDTH: u64 = 32;

/// The image grid (`witk-spatial`'s, shared by every pipeline).
pub use witk_guest::Geometry as Grid;

/// A box of pixels: first index and size per axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub index: Vec<u64>,
    pub size: Vec<u64>,
}

impl Region {
    /// The whole of `size`.
    pub fn whole(size: &[u64]) -> Region {
        Region { index: vec![0; size.len()], size: size.to_vec() }
    }

    /// Number of pixels, or an error when that does not fit in memory.
    pub fn pixel_count(&self) -> Result<usize, Failure> {
        self.size
            .iter()
            .try_fold(1usize, |acc, &s| usize::try_from(s).ok().and_then(|s| acc.checked_mul(s)))
            .ok_or_else(|| Failure::new(Code::LimitExceeded, format!("a region of size {:?} is too large", self.size)))
    }
}

/// One axis of a call: which input pixels are read and how each output pixel uses them.
#[derive(Debug, Clone)]
pub struct Axis {
    /// Input size along the axis (the whole image, not the buffered part).
    pub n: usize,
    /// First buffered input index and number of buffered input pixels.
    pub buffer_start: usize,
    pub buffer_len: usize,
    pub shrink: usize,
    /// First output index computed and how many.
    pub out_start: usize,
    pub out_len: usize,
    /// Input indices whose (smoothed) values the outputs interpolate, ascending (not for
    /// bin shrink).
    pub needed: Vec<usize>,
    /// Per output pixel: positions in `needed` of the pixel below the output position and,
    /// when the position lies halfway between two pixels, the one above.
    pub corners: Vec<(usize, Option<usize>)>,
    /// Gaussian kernel along the axis (odd length), empty for the other methods.
    pub kernel: Vec<f64>,
    pub radius: usize,
}

impl Axis {
    /// The first and last input index the output pixels read along this axis (hosts that
    /// split a call into slabs give each slab these planes).
    pub fn reads(&self, method: Method) -> (usize, usize) {
        match method {
            Method::BinShrink => (self.out_start * self.shrink, (self.out_start + self.out_len) * self.shrink - 1),
            _ => (
                self.needed[0].saturating_sub(self.radius),
                (self.needed[self.needed.len() - 1] + self.radius).min(self.n - 1),
            ),
        }
    }

    /// Whether the kernel leaves values unchanged (`[0, 1, 0]`, a shrink factor of 1).
    pub fn identity_kernel(&self) -> bool {
        self.kernel.len() == 3 && self.kernel[0] == 0.0 && self.kernel[1] == 1.0 && self.kernel[2] == 0.0
    }
}

/// A checked call.
#[derive(Debug, Clone)]
pub struct Plan {
    pub method: Method,
    /// The whole output image's grid.
    pub output: Grid,
    /// The part of the output computed.
    pub region: Region,
    pub components: usize,
    pub axes: Vec<Axis>,
}

/// Check an image's header and buffered region against its pixel count.
pub fn check_image(grid: &Grid, components: usize, buffered: &Region, data_len: Option<usize>) -> Result<(), Failure> {
    let d = grid.size.len();
    // The image is the caller's value: what is wrong with it is an invalid argument, as
    // in every pipeline.
    let invalid = |m: String| Err(Failure::new(Code::InvalidArgument, m));
    grid.check().or_else(invalid)?;
    if let Some(axis) = grid.size.iter().position(|&s| s == 0) {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!("the input image is empty (size {:?}: 0 pixels along axis {axis})", grid.size),
        ));
    }
    if let Some(s) = grid.spacing.iter().find(|s| !(s.is_finite() && **s > 0.0)) {
        return invalid(format!("spacing {s} is not a positive number"));
    }
    if components == 0 {
        return invalid("the image type has 0 components per pixel".into());
    }
    if buffered.index.len() != d || buffered.size.len() != d {
        return invalid(format!("the buffered region has {} dimensions, the image {d}", buffered.index.len()));
    }
    for axis in 0..d {
        let (i, s) = (buffered.index[axis], buffered.size[axis]);
        if s == 0 || i.checked_add(s).is_none_or(|end| end > grid.size[axis]) {
            return invalid(format!(
                "the buffered region (index {:?}, size {:?}) does not lie inside the image (size {:?})",
                buffered.index, buffered.size, grid.size
            ));
        }
    }
    if let Some(len) = data_len {
        let want = buffered.pixel_count()?.checked_mul(components);
        if want != Some(len) {
            return invalid(format!(
                "the pixel buffer holds {len} values; a buffered region of size {:?} with {components} components needs {}",
                buffered.size,
                want.map_or("more than fits in memory".to_string(), |w| w.to_string())
            ));
        }
    }
    Ok(())
}

/// The output grid of `method` (ITK's geometry): size `(n - 2 crop) / shrink` (`n /
/// shrink` for bin shrink), spacing times the shrink factor, origin at the centre of the
/// first block: `origin + direction * (spacing * (crop + (shrink - 1) / 2))`.
pub fn output_grid(grid: &Grid, shrink: &[u32], crop: Option<&[u32]>) -> Result<Grid, Failure> {
    let d = grid.size.len();
    kernel::check_shrink_factors(shrink, Some(d))?;
    if let Some(c) = crop {
        if c.len() != d {
            return Err(Failure::new(
                Code::InvalidArgument,
                format!("crop-radius has {} values; the image has {d} dimensions, so it needs {d}", c.len()),
            ));
        }
    }
    let crop_at = |axis: usize| crop.map_or(0, |c| u64::from(c[axis]));
    let mut size = Vec::with_capacity(d);
    let mut offset = Vec::with_capacity(d);
    for (axis, (&n, &s)) in grid.size.iter().zip(shrink).enumerate() {
        let (s, c) = (u64::from(s), crop_at(axis));
        let kept = n.saturating_sub(2 * c);
        let out = kept / s;
        if out == 0 {
            let why = if c > 0 {
                format!(
                    "crop radius {c} on both sides leaves {kept} of its {n} pixels, fewer than the shrink factor {s}"
                )
            } else {
                format!("its {n} pixels are fewer than the shrink factor {s}")
            };
            return Err(Failure::new(
                Code::InvalidArgument,
                format!("the output would be empty along axis {axis}: {why}"),
            ));
        }
        size.push(out);
        offset.push(c as f64 + (s as f64 - 1.0) / 2.0);
    }
    let origin = (0..d)
        .map(|row| {
            let shift: f64 = (0..d).map(|col| grid.direction[row * d + col] * grid.spacing[col] * offset[col]).sum();
            grid.origin[row] + shift
        })
        .collect();
    let spacing = (0..d).map(|axis| grid.spacing[axis] * f64::from(shrink[axis])).collect();
    Ok(Grid { size, spacing, origin, direction: grid.direction.clone() })
}

/// Check a call and work out what it reads. `region` defaults to the whole output.
pub fn plan(
    method: Method,
    grid: &Grid,
    components: usize,
    buffered: &Region,
    shrink: &[u32],
    crop: Option<&[u32]>,
    region: Option<&Region>,
) -> Result<Plan, Failure> {
    let output = output_grid(grid, shrink, crop)?;
    let d = grid.size.len();
    let region = match region {
        None => Region::whole(&output.size),
        Some(r) => {
            if r.index.len() != d || r.size.len() != d {
                return Err(Failure::new(
                    Code::InvalidArgument,
                    format!(
                        "output-index and output-size need {d} values each (one per dimension); got {} and {}",
                        r.index.len(),
                        r.size.len()
                    ),
                ));
            }
            let inside = (0..d)
                .all(|a| r.size[a] > 0 && r.index[a].checked_add(r.size[a]).is_some_and(|end| end <= output.size[a]));
            if !inside {
                return Err(Failure::new(
                    Code::InvalidArgument,
                    format!(
                        "the output region (index {:?}, size {:?}) is empty or not inside the output (size {:?})",
                        r.index, r.size, output.size
                    ),
                ));
            }
            r.clone()
        }
    };
    let mut axes = Vec::with_capacity(d);
    for a in 0..d {
        let usz = |v: u64| usize::try_from(v).map_err(|_| Failure::new(Code::LimitExceeded, "image too large"));
        let n = usz(grid.size[a])?;
        let s = shrink[a] as usize;
        let c = crop.map_or(0, |c| c[a] as usize);
        let (out_start, out_len) = (usz(region.index[a])?, usz(region.size[a])?);
        let (mut needed, mut corners) = (Vec::new(), Vec::with_capacity(out_len));
        if method != Method::BinShrink {
            for o in out_start..out_start + out_len {
                // Twice the continuous input index of the output pixel's centre.
                let twice = 2 * (c + o * s) + (s - 1);
                let lo = twice / 2;
                needed.push(lo);
                let hi = if twice % 2 == 1 {
                    needed.push(lo + 1);
                    Some(needed.len() - 1)
                } else {
                    None
                };
                corners.push((needed.len() - 1 - usize::from(hi.is_some()), hi));
            }
        }
        let (kernel, radius) = if method == Method::Gaussian {
            let sigma = kernel::downsample_sigma(shrink[a]);
            let k = kernel::gaussian_kernel(sigma * sigma, MAX_KERNEL_ERROR, MAX_KERNEL_WIDTH);
            let r = k.len() / 2;
            (k, r)
        } else {
            (Vec::new(), 0)
        };
        let (bs, bl) = (usz(buffered.index[a])?, usz(buffered.size[a])?);
        let axis = Axis {
            n,
            buffer_start: bs,
            buffer_len: bl,
            shrink: s,
            out_start,
            out_len,
            needed,
            corners,
            kernel,
            radius,
        };
        let (first, last) = axis.reads(method);
        if first < bs || last >= bs + bl {
            return Err(Failure::new(
                Code::InvalidArgument,
                format!(
                    "the output region needs input pixels {first}..={last} along axis {a}, but the input's buffered region holds {bs}..={}",
                    bs + bl - 1
                ),
            ));
        }
        axes.push(axis);
    }
    Ok(Plan { method, output, region, components, axes })
}
