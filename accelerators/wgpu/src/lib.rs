//! witk's downsample functions on the GPU, through wgpu (Vulkan, Metal, DX12).
//!
//! [`Gpu::downsample`] computes what the downsample component computes (`downsample`,
//! `downsample-bin-shrink`, `downsample-label-image`) for 1-, 2- and 3-D images of every
//! component type and any number of components, on the same output grid: the geometry,
//! the kernels and the checks are the component's own Rust code (`witk-downsample`'s
//! `plan` and `kernel`, linked natively), and the WGSL kernels repeat its arithmetic in
//! `f64`, operation for operation ([`shaders`]): in the device's f64 where it has it, else
//! in an exact binary64 emulation (`f64_soft.wgsl`), so every GPU wgpu reaches (Metal and
//! WebGPU have no f64) gives the component's bytes.
//!
//! What runs is `witk-wgpu-plan`'s [`Program`](witk_wgpu_plan::Program), the same the
//! browser package runs through WebGPU: images larger than one storage binding (the
//! adapter's `max_storage_buffer_binding_size`) split along the slowest axis into slabs,
//! each with the input planes its kernels read (the Gaussian's radius around it: the halo).
//!
//! Every failure is a [`GpuError`], never a panic: callers (the `witk` host's override,
//! the Python package `witk-downsample-wgpu`) fall back to the component on any of them,
//! so an invalid call gets the component's own error message.

mod device;
mod exec;

pub use device::{AdapterKind, Gpu};
pub use witk_wgpu_plan::{shaders, Ctype, Failure, Grid, Method, Precision};

/// An input image: the whole image's grid and its pixels as little-endian bytes, x
/// fastest, components interleaved.
#[derive(Debug, Clone, Copy)]
pub struct ImageRef<'a> {
    pub grid: &'a Grid,
    pub ctype: Ctype,
    pub components: usize,
    pub bytes: &'a [u8],
}

/// A result: the output grid and its pixels (the input's component type).
#[derive(Debug, Clone, PartialEq)]
pub struct Downsampled {
    pub grid: Grid,
    pub bytes: Vec<u8>,
}

/// Why the GPU did not compute a call; every case falls back to the component.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    #[error("no GPU adapter: {0}")]
    NoAdapter(String),
    #[error("GPU device error: {0}")]
    Device(String),
    #[error("GPU out of memory: {0}")]
    OutOfMemory(String),
    #[error("not computed on the GPU: {0}")]
    Unsupported(String),
    /// The call is invalid; the component says so in its own words.
    #[error("invalid call: {}", .0.message)]
    Invalid(Failure),
}

impl Gpu {
    /// `method` on `input`, as the component's function of that name computes it.
    pub fn downsample(
        &self,
        method: Method,
        input: ImageRef<'_>,
        shrink_factors: &[u32],
        crop_radius: Option<&[u32]>,
    ) -> Result<Downsampled, GpuError> {
        exec::run(self, method, input, shrink_factors, crop_radius)
    }

    /// Split images into slabs of at most `bytes` per buffer (default: the adapter's
    /// binding limit), for tests of the slab code on small images.
    pub fn with_max_binding_bytes(mut self, bytes: u64) -> Self {
        self.max_binding = bytes.clamp(64, self.max_binding);
        self
    }
}

#[cfg(test)]
mod tests;
