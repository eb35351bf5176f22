//! Running a call: the component's plan per slab, the kernels' buffers and dispatches,
//! and the results back in the pixel type.

use crate::shaders::{Kernel, Source, WORKGROUP};
use crate::{Downsampled, Gpu, GpuError, ImageRef};
use wgpu::util::DeviceExt;
use witk_downsample_component::plan::{self, Axis, Plan};
use witk_downsample_component::{Code, Failure, Method, Region};
use witk_spatial::ComponentType as Ctype;

/// The GPU kernels index with `u32` and take up to three axes.
const MAX_DIMENSION: usize = 3;

pub fn run(
    gpu: &Gpu,
    method: Method,
    input: ImageRef<'_>,
    shrink: &[u32],
    crop: Option<&[u32]>,
) -> Result<Downsampled, GpuError> {
    let grid = input.grid;
    let c = input.components;
    let whole = Region::whole(&grid.size);
    let size = input.ctype.size();
    let count = input.bytes.len().is_multiple_of(size).then_some(input.bytes.len() / size);
    plan::check_image(grid, c, &whole, count.or(Some(usize::MAX))).map_err(GpuError::Invalid)?;
    if method == Method::Label && c != 1 {
        return Err(GpuError::Invalid(Failure::new(Code::Unsupported, "label images have one component")));
    }
    let d = grid.size.len();
    if d > MAX_DIMENSION {
        return Err(GpuError::Unsupported(format!("{d}-D images (the GPU kernels take up to 3 axes)")));
    }
    let overall = plan::plan(method, grid, c, &whole, shrink, crop, None).map_err(GpuError::Invalid)?;
    let top = d - 1;
    let planes = overall.output.size[top] as usize;
    // The fewest slabs whose buffers all fit one binding.
    let mut slabs = 1;
    let plans = loop {
        let plans = (0..slabs)
            .map(|k| slab_plan(method, input, shrink, crop, &overall, planes * k / slabs, planes * (k + 1) / slabs))
            .collect::<Result<Vec<_>, _>>()?;
        let biggest = plans.iter().map(|p| largest_buffer(p, input.ctype)).max().unwrap_or(0);
        if biggest <= gpu.max_binding {
            break plans;
        }
        if slabs == planes {
            return Err(GpuError::Unsupported(format!(
                "one output plane needs a {biggest}-byte buffer; this device binds at most {}",
                gpu.max_binding
            )));
        }
        slabs = (slabs * 2).min(planes);
    };
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(overall.region.pixel_count().map_err(GpuError::Invalid)? * c * size)
        .map_err(|_| GpuError::OutOfMemory("the output does not fit in host memory".into()))?;
    for p in &plans {
        run_slab(gpu, p, input, &mut bytes)?;
    }
    Ok(Downsampled { grid: overall.output, bytes })
}

/// The plan of output planes `o0..o1` along the slowest axis, its input cut to the planes
/// they read.
fn slab_plan(
    method: Method,
    input: ImageRef<'_>,
    shrink: &[u32],
    crop: Option<&[u32]>,
    overall: &Plan,
    o0: usize,
    o1: usize,
) -> Result<Plan, GpuError> {
    let grid = input.grid;
    let top = grid.size.len() - 1;
    let mut region = overall.region.clone();
    region.index[top] = o0 as u64;
    region.size[top] = (o1 - o0) as u64;
    let whole = Region::whole(&grid.size);
    let reads = plan::plan(method, grid, input.components, &whole, shrink, crop, Some(&region))
        .map_err(GpuError::Invalid)?
        .axes[top]
        .reads(method);
    let mut buffered = whole;
    buffered.index[top] = reads.0 as u64;
    buffered.size[top] = (reads.1 - reads.0 + 1) as u64;
    plan::plan(method, grid, input.components, &buffered, shrink, crop, Some(&region)).map_err(GpuError::Invalid)
}

/// Bytes of the largest buffer a slab's kernels use.
fn largest_buffer(p: &Plan, ctype: Ctype) -> u64 {
    let c = p.components as u64;
    let mut ext: Vec<u64> = p.axes.iter().map(|a| a.buffer_len as u64).collect();
    let mut biggest = ext.iter().product::<u64>() * c * ctype.size() as u64;
    if p.method == Method::Gaussian {
        for a in (0..ext.len()).rev() {
            ext[a] = p.axes[a].needed.len() as u64;
            biggest = biggest.max(ext.iter().product::<u64>() * c * 8);
        }
    }
    let out: u64 = p.axes.iter().map(|a| a.out_len as u64).product::<u64>() * c;
    biggest.max(out * if p.method == Method::Label { 4 } else { 8 })
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

fn u32s(values: impl IntoIterator<Item = usize>) -> Result<Vec<u32>, GpuError> {
    values
        .into_iter()
        .map(|v| u32::try_from(v).map_err(|_| GpuError::Unsupported("an index past 2^32 in one slab".into())))
        .collect()
}

/// `f64` constants every kernel reads (see `shaders`), then `extra`.
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

/// Recorded work on one slab, submitted at once.
struct Work<'g> {
    gpu: &'g Gpu,
    encoder: wgpu::CommandEncoder,
    /// Buffers kept alive until the submission.
    keep: Vec<wgpu::Buffer>,
}

impl<'g> Work<'g> {
    fn new(gpu: &'g Gpu) -> Self {
        let encoder = gpu.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("witk-wgpu") });
        Work { gpu, encoder, keep: Vec::new() }
    }

    fn storage(&mut self, bytes: u64) -> wgpu::Buffer {
        self.gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("witk-wgpu"),
            size: bytes.max(8).next_multiple_of(8),
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    fn init(&mut self, contents: &[u8]) -> wgpu::Buffer {
        let buffer = self.gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("witk-wgpu"),
            contents,
            usage: wgpu::BufferUsages::STORAGE,
        });
        self.keep.push(buffer.clone());
        buffer
    }

    /// The input pixels, padded to whole words.
    fn upload(&mut self, bytes: &[u8]) -> wgpu::Buffer {
        let buffer = self.storage(bytes.len() as u64);
        let whole = bytes.len() / 4 * 4;
        if whole > 0 {
            self.gpu.queue.write_buffer(&buffer, 0, &bytes[..whole]);
        }
        if whole < bytes.len() {
            let mut tail = [0u8; 4];
            tail[..bytes.len() - whole].copy_from_slice(&bytes[whole..]);
            self.gpu.queue.write_buffer(&buffer, whole as u64, &tail);
        }
        self.keep.push(buffer.clone());
        buffer
    }

    /// One dispatch of `kernel` over `params[0]` values.
    #[allow(clippy::too_many_arguments)]
    fn dispatch(
        &mut self,
        kernel: Kernel,
        source: Source,
        ctype: Ctype,
        scalar: bool,
        src: &wgpu::Buffer,
        dst: &wgpu::Buffer,
        params: &[u32],
        reals: &[f64],
    ) {
        let pipeline = self.gpu.pipeline(kernel, source, ctype, scalar);
        let params_count = params[0];
        let params = self.init(bytemuck::cast_slice(params));
        let reals = self.init(bytemuck::cast_slice(reals));
        let group = self.gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("witk-wgpu"),
            layout: self.gpu.layout(),
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: src.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: dst.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: params.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 3, resource: reals.as_entire_binding() },
            ],
        });
        let groups = params_count.div_ceil(WORKGROUP).max(1);
        let x = groups.min(65535);
        let mut pass = self.encoder.begin_compute_pass(&wgpu::ComputePassDescriptor::default());
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &group, &[]);
        pass.dispatch_workgroups(x, groups.div_ceil(x), 1);
    }

    /// Submit, wait, and read `dst` back; any device error (out of memory, a lost
    /// device, a kernel the driver rejects) is a [`GpuError`].
    fn finish(mut self, dst: &wgpu::Buffer, bytes: u64) -> Result<Vec<u8>, GpuError> {
        let staging = self.gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("witk-wgpu"),
            size: bytes.next_multiple_of(8),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        self.encoder.copy_buffer_to_buffer(dst, 0, &staging, 0, bytes.next_multiple_of(8));
        self.gpu.queue.submit([self.encoder.finish()]);
        let (tx, rx) = std::sync::mpsc::channel();
        staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        self.gpu
            .device
            .poll(wgpu::PollType::Wait { submission_index: None, timeout: None })
            .map_err(|e| GpuError::Device(e.to_string()))?;
        match rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(GpuError::Device(e.to_string())),
            Err(_) => return Err(GpuError::Device("the buffer was never mapped".into())),
        }
        let data = match staging.slice(..).get_mapped_range() {
            Ok(view) => view[..bytes as usize].to_vec(),
            Err(e) => return Err(GpuError::Device(e.to_string())),
        };
        staging.unmap();
        drop(self.keep);
        Ok(data)
    }
}

/// Run one slab's kernels and append its output pixels to `out`.
fn run_slab(gpu: &Gpu, p: &Plan, input: ImageRef<'_>, out: &mut Vec<u8>) -> Result<(), GpuError> {
    let ctype = input.ctype;
    let c = p.components;
    let axes = axes3(p);
    let d = p.axes.len();
    // The slab's input planes: the buffered region along the slowest axis.
    let plane: usize = p.axes[..d - 1].iter().map(|a| a.buffer_len).product::<usize>() * c * ctype.size();
    let top = &p.axes[d - 1];
    let slab = &input.bytes[top.buffer_start * plane..(top.buffer_start + top.buffer_len) * plane];
    let out_ext: Vec<usize> = axes.iter().map(|a| a.out_len).collect();
    let out_values = out_ext.iter().product::<usize>() * c;
    let scalar = c == 1;
    let scope_oom = gpu.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
    let scope_valid = gpu.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let mut work = Work::new(gpu);
    let src = work.upload(slab);
    let mut ext: Vec<usize> = axes.iter().map(|a| a.buffer_len).collect();
    let (dst, bytes) = match p.method {
        Method::Gaussian => {
            let (mut src, mut source) = (src, Source::Pixels(ctype));
            for a in (0..d).rev() {
                let axis = &axes[a];
                let mut next = ext.clone();
                next[a] = axis.needed.len();
                let values = next.iter().product::<usize>() * c;
                let dst = work.storage(values as u64 * 8);
                work.keep.push(dst.clone());
                let mut params = u32s([values, c, ext[0], ext[1], ext[2], next[0], next[1], next[2]])?;
                params.extend(u32s([a, axis.n, axis.buffer_start, axis.radius, axis.kernel.len(), 0, 0, 0])?);
                params.extend(u32s(axis.needed.iter().copied())?);
                work.dispatch(
                    Kernel::Pass,
                    source,
                    ctype,
                    scalar,
                    &src,
                    &dst,
                    &params,
                    &reals(ctype, 0.0, &axis.kernel),
                );
                (src, source, ext) = (dst, Source::Real, next);
            }
            let dst = work.storage(out_values as u64 * 8);
            let mut params = u32s([out_values, c, out_ext[0], out_ext[1], out_ext[2], ext[0], ext[1], ext[2]])?;
            params.extend([half(&axes[0]), half(&axes[1]), half(&axes[2])]);
            let offset = params.len() + 3;
            params.extend(u32s([offset, offset + out_ext[0], offset + out_ext[0] + out_ext[1]])?);
            for a in &axes {
                params.extend(u32s(a.corners.iter().map(|&(lo, _)| lo))?);
            }
            work.dispatch(Kernel::Interpolate, source, ctype, scalar, &src, &dst, &params, &reals(ctype, 0.0, &[]));
            (dst, out_values as u64 * 8)
        }
        Method::BinShrink => {
            let dst = work.storage(out_values as u64 * 8);
            let mut params = u32s([out_values, c, out_ext[0], out_ext[1], out_ext[2], ext[0], ext[1], ext[2]])?;
            params.extend(u32s(axes.iter().map(|a| a.shrink))?);
            params.extend(u32s(axes.iter().map(|a| a.out_start))?);
            params.extend(u32s(axes.iter().map(|a| a.buffer_start))?);
            let samples: usize = p.axes.iter().map(|a| a.shrink).product();
            let r = reals(ctype, 1.0 / samples as f64, &[]);
            work.dispatch(Kernel::BinShrink, Source::Pixels(ctype), ctype, scalar, &src, &dst, &params, &r);
            (dst, out_values as u64 * 8)
        }
        Method::Label => {
            let dst = work.storage(out_values as u64 * 4);
            let mut params = u32s([out_values, 1, out_ext[0], out_ext[1], out_ext[2], ext[0], ext[1], ext[2]])?;
            params.extend([half(&axes[0]), half(&axes[1]), half(&axes[2])]);
            let offset = params.len() + 3;
            params.extend(u32s([offset, offset + out_ext[0], offset + out_ext[0] + out_ext[1]])?);
            for a in &axes {
                params.extend(u32s(a.corners.iter().map(|&(lo, _)| a.needed[lo] - a.buffer_start))?);
            }
            work.dispatch(
                Kernel::Label,
                Source::Pixels(ctype),
                ctype,
                scalar,
                &src,
                &dst,
                &params,
                &reals(ctype, 0.0, &[]),
            );
            (dst, out_values as u64 * 4)
        }
    };
    ext.clear();
    let result = work.finish(&dst, bytes);
    if let Some(e) = pollster::block_on(scope_valid.pop()) {
        return Err(GpuError::Device(e.to_string()));
    }
    if let Some(e) = pollster::block_on(scope_oom.pop()) {
        return Err(GpuError::OutOfMemory(e.to_string()));
    }
    let data = result?;
    if p.method == Method::Label {
        let size = ctype.size();
        for index in bytemuck::cast_slice::<u8, u32>(&data) {
            let at = *index as usize * size;
            out.extend_from_slice(
                slab.get(at..at + size).ok_or_else(|| GpuError::Device("a label index out of range".into()))?,
            );
        }
    } else {
        cast_into(ctype, bytemuck::cast_slice(&data), out);
    }
    Ok(())
}

/// Values the kernels already stored in the pixel type, as that type's bytes.
fn cast_into(ctype: Ctype, values: &[f64], out: &mut Vec<u8>) {
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
