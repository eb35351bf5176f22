//! witk's spatial model, free of generated bindings so that every side shares it: the
//! guests (through `witk-guest`), the host (`witk`) and the Python extension.
//!
//! - [`ComponentType`] and [`PixelType`] with their WIT and ITK-Wasm names, written once;
//! - [`Parameterization`]: transform parameterizations with ITK-Wasm's and ITK's names;
//! - [`Geometry`]: an image's grid (origin, spacing, direction, size) and the checks every
//!   pipeline makes of a caller's image, with one wording.
//!
//! Each binding converts its generated enums to these by variant (`witk-guest`'s `wit`
//! module, the host's `pipelines` module); names come only from here.

mod geometry;
mod transform;
mod types;

pub use geometry::{check_dimension, check_fields, identity, Geometry};
pub use transform::Parameterization;
pub use types::{ComponentType, PixelType};
