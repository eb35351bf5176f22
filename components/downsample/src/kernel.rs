//! ITK's discrete Gaussian kernel (`itk::GaussianOperator`) and ITK-Wasm's anti-aliasing
//! sigma for a shrink factor, computed the way ITK computes them so that kernels, and
//! therefore results, are bit-for-bit the same.

use crate::{Code, Failure};

/// `(2 sqrt(2 ln 2))^2`: the squared ratio of a Gaussian's full width at half maximum to
/// its sigma, as ITK-Wasm writes it.
const DENOMINATOR: f64 = 5.545177444479562;

/// ITK-Wasm's sigma, in pixels, for smoothing before shrinking by `factor`:
/// `sqrt((k^2 - 1) / DENOMINATOR)` (a block of `k` pixels has the same width at half
/// maximum as the smoothed pixel).
pub fn downsample_sigma(factor: u32) -> f64 {
    let k = u64::from(factor);
    ((k * k).saturating_sub(1) as f64 / DENOMINATOR).sqrt()
}

/// Check shrink factors: one per axis (when `dimension` is given), each at least 1.
pub fn check_shrink_factors(factors: &[u32], dimension: Option<usize>) -> Result<(), Failure> {
    if let Some(d) = dimension {
        if factors.len() != d {
            return Err(Failure::new(
                Code::InvalidArgument,
                format!("shrink-factors has {} values; the image has {d} dimensions, so it needs {d}", factors.len()),
            ));
        }
    }
    if factors.is_empty() {
        return Err(Failure::new(Code::InvalidArgument, "shrink-factors is empty; give one factor per dimension"));
    }
    if let Some(axis) = factors.iter().position(|&f| f == 0) {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!("shrink factor 0 along axis {axis}: shrink factors must be at least 1"),
        ));
    }
    Ok(())
}

/// The full symmetric kernel (`2 * radius + 1` coefficients) of ITK's GaussianOperator for
/// `variance` (in pixels squared), as DiscreteGaussianImageFilter builds it.
pub fn gaussian_kernel(variance: f64, max_error: f64, max_width: u64) -> Vec<f64> {
    let half = half_kernel(variance, max_error, max_width);
    let mut kernel: Vec<f64> = half[1..].iter().rev().copied().collect();
    kernel.extend_from_slice(&half);
    kernel
}

/// The radius of the kernel `gaussian_kernel` makes.
pub fn kernel_radius(variance: f64, max_error: f64, max_width: u64) -> u64 {
    half_kernel(variance, max_error, max_width).len() as u64 - 1
}

/// Check gaussian-kernel-radius's parameters.
pub fn check_kernel_parameters(size: &[u64], sigma: &[f64], max_error: f64) -> Result<(), Failure> {
    if size.len() != sigma.len() {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!("size and sigma must have the same length: size has {}, sigma {}", size.len(), sigma.len()),
        ));
    }
    if let Some(s) = sigma.iter().find(|s| !s.is_finite()) {
        return Err(Failure::new(Code::InvalidArgument, format!("sigma {s} is not a finite number")));
    }
    if !(max_error > 0.0 && max_error < 1.0) {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!("max-kernel-error {max_error} is out of range: it must be greater than 0 and less than 1"),
        ));
    }
    Ok(())
}

/// Coefficients 0..=radius, normalized, as `GaussianOperator::GenerateCoefficients`
/// computes them: `e^-v I_n(v)` until the kernel holds `1 - max_error` of the weight, or
/// has `max_width + 1` coefficients. ITK's `e^-v` times `I_n(v)` overflows to NaN for
/// variances above ~709; then the exponential is folded into the Bessel functions.
fn half_kernel(variance: f64, max_error: f64, max_width: u64) -> Vec<f64> {
    let itk = coefficients(variance, max_error, max_width, false);
    if itk.iter().all(|c| c.is_finite()) {
        itk
    } else {
        coefficients(variance, max_error, max_width, true)
    }
}

fn coefficients(variance: f64, max_error: f64, max_width: u64, scaled: bool) -> Vec<f64> {
    let et = if scaled { 1.0 } else { (-variance).exp() };
    let cap = 1.0 - max_error;
    let mut coeff = vec![et * bessel_i0(variance, scaled)];
    let mut sum = coeff[0];
    coeff.push(et * bessel_i1(variance, scaled));
    sum += coeff[1] * 2.0;
    let mut i = 2;
    while sum < cap {
        coeff.push(et * bessel_in(i, variance, scaled));
        sum += coeff[i] * 2.0;
        if coeff[i] <= 0.0 || coeff.len() as u64 > max_width {
            break;
        }
        i += 1;
    }
    for c in &mut coeff {
        *c /= sum;
    }
    coeff
}

/// `exp(d) / sqrt(d)`, or with `scaled` (the caller's `e^-d` folded in) `1 / sqrt(d)`.
fn large_argument_factor(d: f64, scaled: bool) -> f64 {
    if scaled {
        1.0 / d.sqrt()
    } else {
        d.exp() / d.sqrt()
    }
}

/// Modified Bessel function I0 (ITK's polynomial approximation); with `scaled`, `e^-|y| I0(y)`.
fn bessel_i0(y: f64, scaled: bool) -> f64 {
    let d = y.abs();
    if d < 3.75 {
        let m = (y / 3.75) * (y / 3.75);
        let v = 1.0
            + m * (3.5156229
                + m * (3.0899424 + m * (1.2067492 + m * (0.2659732 + m * (0.360768e-1 + m * 0.45813e-2)))));
        if scaled {
            v * (-d).exp()
        } else {
            v
        }
    } else {
        let m = 3.75 / d;
        large_argument_factor(d, scaled)
            * (0.39894228
                + m * (0.1328592e-1
                    + m * (0.225319e-2
                        + m * (-0.157565e-2
                            + m * (0.916281e-2
                                + m * (-0.2057706e-1 + m * (0.2635537e-1 + m * (-0.1647633e-1 + m * 0.392377e-2))))))))
    }
}

/// Modified Bessel function I1 (ITK's polynomial approximation); with `scaled`, `e^-|y| I1(y)`.
fn bessel_i1(y: f64, scaled: bool) -> f64 {
    let d = y.abs();
    let v = if d < 3.75 {
        let m = (y / 3.75) * (y / 3.75);
        let v = d
            * (0.5
                + m * (0.87890594
                    + m * (0.51498869 + m * (0.15084934 + m * (0.2658733e-1 + m * (0.301532e-2 + m * 0.32411e-3))))));
        if scaled {
            v * (-d).exp()
        } else {
            v
        }
    } else {
        let m = 3.75 / d;
        let mut acc = 0.2282967e-1 + m * (-0.2895312e-1 + m * (0.1787654e-1 - m * 0.420059e-2));
        acc = 0.39894228 + m * (-0.3988024e-1 + m * (-0.362018e-2 + m * (0.163801e-2 + m * (-0.1031555e-1 + m * acc))));
        acc * large_argument_factor(d, scaled)
    };
    if y < 0.0 {
        -v
    } else {
        v
    }
}

/// Modified Bessel function I_n for n >= 2 (ITK's downward recurrence); with `scaled`,
/// `e^-|y| I_n(y)`.
fn bessel_in(n: usize, y: f64, scaled: bool) -> f64 {
    const ACCURACY: f64 = 40.0;
    if y == 0.0 {
        return 0.0;
    }
    let toy = 2.0 / y.abs();
    let (mut qip, mut acc, mut qi) = (0.0f64, 0.0f64, 1.0f64);
    let mut j = 2 * (n + (ACCURACY * n as f64).sqrt() as usize);
    while j > 0 {
        let qim = qip + j as f64 * toy * qi;
        qip = qi;
        qi = qim;
        if qi.abs() > 1.0e10 {
            acc *= 1.0e-10;
            qi *= 1.0e-10;
            qip *= 1.0e-10;
        }
        if j == n {
            acc = qip;
        }
        j -= 1;
    }
    acc *= bessel_i0(y, scaled) / qi;
    if y < 0.0 && n % 2 == 1 {
        -acc
    } else {
        acc
    }
}
