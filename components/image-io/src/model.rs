//! The image model inside the component: pixels as little-endian bytes plus ITK's
//! spatial metadata. Converted to and from the WIT `image` at the boundary only.

use crate::{Code, Failure};
pub use witk_guest::{identity, Ctype, Pixel, Pixels};

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub ctype: Ctype,
    pub pixel: Pixel,
    pub components: usize,
    pub name: String,
    pub origin: Vec<f64>,
    pub spacing: Vec<f64>,
    /// Row-major `dimension x dimension`; column j is the direction of axis j.
    pub direction: Vec<f64>,
    pub size: Vec<u64>,
    /// (key, JSON text)
    pub metadata: Vec<(String, String)>,
    /// The pixels; `None` when only the header was read.
    pub data: Option<Pixels>,
}

impl Image {
    pub fn dimension(&self) -> usize {
        self.size.len()
    }

    /// Number of pixels, checked against overflow.
    pub fn pixel_count(&self) -> Result<u64, Failure> {
        self.size.iter().try_fold(1u64, |acc, &s| acc.checked_mul(s)).ok_or_else(|| too_big(&self.size))
    }

    /// Bytes of pixel data the header describes; refuses sizes a wasm32 memory cannot hold.
    pub fn byte_len(&self) -> Result<usize, Failure> {
        let n = self
            .pixel_count()?
            .checked_mul(self.components as u64)
            .and_then(|n| n.checked_mul(self.ctype.size() as u64))
            .ok_or_else(|| too_big(&self.size))?;
        if n >= 1 << 32 {
            return Err(too_big(&self.size));
        }
        Ok(n as usize)
    }

    /// An image with identity geometry.
    pub fn new(ctype: Ctype, size: Vec<u64>, components: usize) -> Image {
        let d = size.len();
        Image {
            ctype,
            pixel: if components == 1 { Pixel::Scalar } else { Pixel::VariableLengthVector },
            components,
            name: "Image".into(),
            origin: vec![0.0; d],
            spacing: vec![1.0; d],
            direction: identity(d),
            size,
            metadata: Vec::new(),
            data: None,
        }
    }

    /// Check the geometry fields agree with the dimension and the data with the size.
    pub fn validate(&self) -> Result<(), Failure> {
        witk_guest::check_fields(&self.size, &self.origin, &self.spacing, &self.direction)
            .map_err(|m| Failure::new(Code::InvalidArgument, m))?;
        if self.components == 0 {
            return Err(Failure::new(Code::InvalidArgument, "an image needs at least one component per pixel"));
        }
        if let Some(data) = &self.data {
            if data.ctype() != self.ctype {
                return Err(Failure::new(
                    Code::InvalidArgument,
                    format!("image type says {} but the pixel buffer holds {}", self.ctype.name(), data.ctype().name()),
                ));
            }
            let want = self.byte_len()?;
            if data.len() != want {
                return Err(Failure::new(
                    Code::InvalidArgument,
                    format!(
                        "pixel buffer holds {} bytes; size {:?} x {} components of {} needs {want}",
                        data.len(),
                        self.size,
                        self.components,
                        self.ctype.name()
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn too_big(size: &[u64]) -> Failure {
    Failure::new(
        Code::LimitExceeded,
        format!(
            "image size {size:?} is larger than a 4 GiB WebAssembly memory can hold: map an uncompressed NRRD, \
             MetaImage or NIfTI file with witk.dask.read_image, or store the image as OME-Zarr (witk.ngff)"
        ),
    )
}

/// Swap the bytes of each `width`-byte element (big-endian files).
pub fn swap_bytes(data: &mut [u8], width: usize) {
    if width > 1 {
        for chunk in data.chunks_exact_mut(width) {
            chunk.reverse();
        }
    }
}
