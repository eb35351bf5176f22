//! An image's grid and the checks of it that every pipeline makes, worded once.

/// Physical-space grid of an image, ITK's conventions: LPS, `direction` row-major
/// `dimension x dimension`, `size` with the first index (x) fastest.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    pub origin: Vec<f64>,
    pub spacing: Vec<f64>,
    pub direction: Vec<f64>,
    pub size: Vec<u64>,
}

/// The `d` x `d` identity direction matrix, row-major.
pub fn identity(d: usize) -> Vec<f64> {
    (0..d * d).map(|i| if i / d == i % d { 1.0 } else { 0.0 }).collect()
}

/// An image type's declared dimension against the number of sizes it comes with.
pub fn check_dimension(declared: u32, sizes: usize) -> Result<(), String> {
    if declared as usize == sizes {
        Ok(())
    } else {
        Err(format!("image-type says {declared}-D but the size has {sizes} values"))
    }
}

impl Geometry {
    /// Unit spacing, zero origin, identity direction.
    pub fn identity(size: Vec<u64>) -> Geometry {
        let d = size.len();
        Geometry { origin: vec![0.0; d], spacing: vec![1.0; d], direction: identity(d), size }
    }

    pub fn dimension(&self) -> usize {
        self.size.len()
    }

    /// The sizes as `usize`.
    pub fn dims(&self) -> Vec<usize> {
        self.size.iter().map(|&s| s as usize).collect()
    }

    /// At least one dimension, and origin, spacing and direction of the size's dimension.
    /// An error says what is wrong; callers report it as `invalid-argument` (the image is
    /// the caller's value).
    pub fn check(&self) -> Result<(), String> {
        check_fields(&self.size, &self.origin, &self.spacing, &self.direction)
    }
}

/// [`Geometry::check`] of fields that live apart.
pub fn check_fields(size: &[u64], origin: &[f64], spacing: &[f64], direction: &[f64]) -> Result<(), String> {
    let d = size.len();
    if d == 0 {
        return Err("the image has no dimensions (empty size)".into());
    }
    if origin.len() != d || spacing.len() != d || direction.len() != d * d {
        return Err(format!(
            "a {d}-D image needs {d} origin and spacing values and {} direction values; got {}, {}, {}",
            d * d,
            origin.len(),
            spacing.len(),
            direction.len()
        ));
    }
    // (A NaN spacing read from a .iwi.cbor file passed every other check: found by fuzzing.)
    for (name, values) in [("origin", origin), ("spacing", spacing), ("direction", direction)] {
        if let Some(v) = values.iter().find(|v| !v.is_finite()) {
            return Err(format!("the {name} holds {v}: every value must be finite"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_name_the_problem() {
        assert_eq!(Geometry::identity(vec![3, 2]).check(), Ok(()));
        assert_eq!(identity(2), [1.0, 0.0, 0.0, 1.0]);
        let mut g = Geometry::identity(vec![3, 2]);
        g.spacing.pop();
        assert!(g.check().unwrap_err().contains("a 2-D image needs 2 origin and spacing values"));
        assert!(Geometry::identity(vec![]).check().unwrap_err().contains("no dimensions"));
        let mut g = Geometry::identity(vec![3, 2]);
        g.spacing[1] = f64::NAN;
        assert!(g.check().unwrap_err().contains("the spacing holds NaN"));
        assert!(check_dimension(3, 2).unwrap_err().contains("image-type says 3-D but the size has 2 values"));
    }
}
