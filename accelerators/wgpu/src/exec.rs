//! Running a [`Program`](witk_wgpu_plan::Program) through wgpu: per slab, its buffers,
//! one submission of its dispatches, the result read back and turned into pixels.

use crate::{Downsampled, Gpu, GpuError, ImageRef};
use witk_wgpu_plan::{cast_into, Finish, Header, Method, PlanError, Slab};

pub fn run(
    gpu: &Gpu,
    method: Method,
    input: ImageRef<'_>,
    shrink: &[u32],
    crop: Option<&[u32]>,
) -> Result<Downsampled, GpuError> {
    if gpu.is_lost() {
        return Err(GpuError::Device("the device was lost".into()));
    }
    let header =
        Header { grid: input.grid, ctype: input.ctype, components: input.components, bytes: input.bytes.len() };
    let program = witk_wgpu_plan::program(method, header, shrink, crop, gpu.max_binding, gpu.precision()).map_err(
        |e| match e {
            PlanError::Invalid(f) => GpuError::Invalid(f),
            PlanError::Unsupported(m) => GpuError::Unsupported(m),
        },
    )?;
    let values: usize = program.grid.size.iter().product::<u64>() as usize * input.components;
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(values * input.ctype.size())
        .map_err(|_| GpuError::OutOfMemory("the output does not fit in host memory".into()))?;
    for slab in &program.slabs {
        // wgpu panics on some operations of a device lost mid-call: a panic here is a
        // device error like any other, never the caller's crash.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_slab(gpu, slab, input, &mut bytes)))
            .unwrap_or_else(|p| {
                let why =
                    p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned());
                Err(GpuError::Device(format!("wgpu panicked: {}", why.unwrap_or_default())))
            })?;
    }
    Ok(Downsampled { grid: program.grid, bytes })
}

/// Run one slab's dispatches and append its output pixels to `out`.
fn run_slab(gpu: &Gpu, slab: &Slab, input: ImageRef<'_>, out: &mut Vec<u8>) -> Result<(), GpuError> {
    let device = &gpu.device;
    let data = &input.bytes[slab.input.0..slab.input.1];
    let scope_oom = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
    let scope_valid = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let usage = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST;
    let buffers: Vec<wgpu::Buffer> = slab
        .buffers
        .iter()
        .map(|&size| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("witk-wgpu"),
                size,
                usage,
                mapped_at_creation: false,
            })
        })
        .collect();
    // The input, padded to whole words (write_buffer takes multiples of 4 bytes).
    let whole = data.len() / 4 * 4;
    if whole > 0 {
        gpu.queue.write_buffer(&buffers[0], 0, &data[..whole]);
    }
    if whole < data.len() {
        let mut tail = [0u8; 4];
        tail[..data.len() - whole].copy_from_slice(&data[whole..]);
        gpu.queue.write_buffer(&buffers[0], whole as u64, &tail);
    }
    let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("witk-wgpu") });
    let mut uniforms = Vec::new();
    for step in &slab.steps {
        let pipeline = gpu.pipeline(step.shader);
        // Written through the queue, not mapped at creation: mapping panics on a lost device.
        let init = |contents: &[u8]| {
            let b = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("witk-wgpu"),
                size: (contents.len() as u64).next_multiple_of(8).max(8),
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            let mut padded = contents.to_vec();
            padded.resize(contents.len().next_multiple_of(8).max(8), 0);
            gpu.queue.write_buffer(&b, 0, &padded);
            b
        };
        let params = init(bytemuck::cast_slice(&step.params));
        let reals = init(bytemuck::cast_slice(&step.reals));
        let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("witk-wgpu"),
            layout: gpu.layout(),
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: buffers[step.src].as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: buffers[step.dst].as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: params.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 3, resource: reals.as_entire_binding() },
            ],
        });
        let (x, y) = step.workgroups();
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor::default());
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &group, &[]);
        pass.dispatch_workgroups(x, y, 1);
        drop(pass);
        uniforms.push((params, reals));
    }
    let size = slab.output_bytes.next_multiple_of(8);
    let staging = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("witk-wgpu"),
        size,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    encoder.copy_buffer_to_buffer(&buffers[slab.output], 0, &staging, 0, size);
    gpu.queue.submit([encoder.finish()]);
    let result = read(gpu, &staging, slab.output_bytes as usize);
    drop((buffers, uniforms));
    if let Some(e) = pollster::block_on(scope_valid.pop()) {
        return Err(GpuError::Device(e.to_string()));
    }
    if let Some(e) = pollster::block_on(scope_oom.pop()) {
        return Err(GpuError::OutOfMemory(e.to_string()));
    }
    let result = result?;
    match slab.finish {
        Finish::Cast => cast_into(input.ctype, bytemuck::cast_slice(&result), out),
        Finish::Gather => {
            let size = input.ctype.size();
            for index in bytemuck::cast_slice::<u8, u32>(&result) {
                let at = *index as usize * size;
                let value =
                    data.get(at..at + size).ok_or_else(|| GpuError::Device("a label index out of range".into()))?;
                out.extend_from_slice(value);
            }
        }
    }
    Ok(())
}

/// Wait for the submission and read `bytes` bytes of `staging`.
fn read(gpu: &Gpu, staging: &wgpu::Buffer, bytes: usize) -> Result<Vec<u8>, GpuError> {
    let (tx, rx) = std::sync::mpsc::channel();
    staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    gpu.device
        .poll(wgpu::PollType::Wait { submission_index: None, timeout: None })
        .map_err(|e| GpuError::Device(e.to_string()))?;
    match rx.recv() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(GpuError::Device(e.to_string())),
        Err(_) => return Err(GpuError::Device("the buffer was never mapped".into())),
    }
    let data = match staging.slice(..).get_mapped_range() {
        Ok(view) => view[..bytes].to_vec(),
        Err(e) => return Err(GpuError::Device(e.to_string())),
    };
    staging.unmap();
    Ok(data)
}
