//! Finding a GPU: the adapter, the device (with `f64` shaders where it has them) and the
//! adapter's own buffer limits, and the compiled pipelines (one per kernel and pixel type, built on first use).

use crate::GpuError;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use witk_wgpu_plan::{Precision, ShaderKey};

/// Which adapters [`Gpu::new`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdapterKind {
    /// A hardware GPU (integrated, discrete or virtual), not a CPU rasterizer: what `auto`
    /// means, since a software GPU is slower than the component on every core.
    #[default]
    Hardware,
    /// Any adapter, software ones (Mesa's lavapipe, WARP, SwiftShader) included: for tests
    /// and machines without a GPU.
    Any,
}

impl AdapterKind {
    /// `WITK_WGPU_ADAPTER=any` (or `software`) lets the environment admit software
    /// adapters; anything else, or nothing, means hardware only.
    pub fn from_env() -> AdapterKind {
        match std::env::var("WITK_WGPU_ADAPTER").as_deref() {
            Ok("any" | "software") => AdapterKind::Any,
            _ => AdapterKind::Hardware,
        }
    }
}

/// A device and its compiled kernels; cheap to share between threads.
pub struct Gpu {
    pub(crate) device: wgpu::Device,
    pub(crate) queue: wgpu::Queue,
    info: wgpu::AdapterInfo,
    /// The largest buffer one binding may hold, in bytes (the adapter's limit).
    pub(crate) max_binding: u64,
    precision: Precision,
    layout: wgpu::BindGroupLayout,
    pipeline_layout: wgpu::PipelineLayout,
    pipelines: Mutex<HashMap<ShaderKey, wgpu::ComputePipeline>>,
    /// Set by wgpu when the device is lost (driver reset, removal, `destroy`).
    pub(crate) lost: Arc<AtomicBool>,
    /// f64 shaders the device has but that disagreed with the emulation.
    f64_refused: bool,
}

impl Gpu {
    /// The first adapter of `kind` (preferring one with f64 shaders), or why there is none.
    /// Kernels use the device's f64 where it has it, else [`Precision::Emulated`];
    /// `WITK_WGPU_F64=emulated` chooses emulation everywhere.
    pub fn new(kind: AdapterKind) -> Result<Gpu, GpuError> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
            backends: wgpu::Backends::PRIMARY,
            ..wgpu::InstanceDescriptor::new_without_display_handle()
        });
        let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::PRIMARY));
        let mut seen = Vec::new();
        let mut fitting: Vec<wgpu::Adapter> = adapters
            .into_iter()
            .filter(|a| {
                let info = a.get_info();
                seen.push(format!("{} ({:?})", info.name, info.device_type));
                kind == AdapterKind::Any || info.device_type != wgpu::DeviceType::Cpu
            })
            .collect();
        // Discrete before integrated before the rest; f64 shaders first among equals.
        fitting.sort_by_key(|a| {
            let rank = match a.get_info().device_type {
                wgpu::DeviceType::DiscreteGpu => 0,
                wgpu::DeviceType::IntegratedGpu => 1,
                wgpu::DeviceType::VirtualGpu => 2,
                _ => 3,
            };
            (rank, !a.features().contains(wgpu::Features::SHADER_F64))
        });
        let Some(adapter) = fitting.into_iter().next() else {
            return Err(GpuError::NoAdapter(if seen.is_empty() {
                "no Vulkan, Metal or DX12 adapter".to_string()
            } else {
                format!("none of {} is a hardware GPU", seen.join(", "))
            }));
        };
        let native = adapter.features().contains(wgpu::Features::SHADER_F64)
            && std::env::var("WITK_WGPU_F64").as_deref() != Ok("emulated");
        let limits = adapter.limits();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("witk-wgpu"),
            required_features: if native { wgpu::Features::SHADER_F64 } else { wgpu::Features::empty() },
            required_limits: limits.clone(),
            ..Default::default()
        }))
        .map_err(|e| GpuError::Device(e.to_string()))?;
        // The device's own f64 only where it rounds as the component does.
        let precision = if native { Precision::Native } else { Precision::Emulated };
        let lost = Arc::new(AtomicBool::new(false));
        let flag = lost.clone();
        device.set_device_lost_callback(move |reason, message| {
            log::debug!(target: "witk::gpu", "the GPU device was lost ({reason:?}): {message}");
            flag.store(true, Ordering::SeqCst);
        });
        let entry = |binding: u32, read_only: bool| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("witk-wgpu"),
            entries: &[entry(0, true), entry(1, false), entry(2, true), entry(3, true)],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("witk-wgpu"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let max_binding = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
        let mut gpu = Gpu {
            device,
            queue,
            info: adapter.get_info(),
            max_binding,
            precision,
            layout,
            pipeline_layout,
            pipelines: Mutex::new(HashMap::new()),
            lost,
            f64_refused: false,
        };
        if native && !gpu.native_f64_agrees() {
            log::debug!(target: "witk::gpu", "{}: its f64 differs from the emulation's; emulating", gpu.describe());
            gpu.precision = Precision::Emulated;
            gpu.f64_refused = true;
        }
        Ok(gpu)
    }

    /// Whether the device's own f64 gives the emulation's bytes (which are the
    /// component's, bit for bit) on a Gaussian of large 32-bit integers. Not every f64 a
    /// device offers rounds as IEEE 754 does in every step: Mesa's lavapipe on an AMD EPYC
    /// with AVX2 and FMA moved one value in eight of such a Gaussian by 1 (its
    /// multiply-adds are not the component's), while on other CPUs it agreed. So the
    /// device's f64 is used only where it agrees here.
    fn native_f64_agrees(&mut self) -> bool {
        let size = [19u64, 13, 6];
        let grid = crate::Grid {
            size: size.to_vec(),
            spacing: vec![0.5, 1.0, 2.5],
            origin: vec![0.0; 3],
            direction: vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
        };
        let mut state = 0x853c_49e6_748f_ea9bu64;
        let bytes: Vec<u8> = (0..size.iter().product::<u64>())
            .flat_map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((state >> 32) as i32).to_le_bytes()
            })
            .collect();
        let input = crate::ImageRef { grid: &grid, ctype: crate::Ctype::I32, components: 1, bytes: &bytes };
        let native = self.downsample(crate::Method::Gaussian, input, &[2, 3, 2], None);
        self.precision = Precision::Emulated;
        let emulated = self.downsample(crate::Method::Gaussian, input, &[2, 3, 2], None);
        self.precision = Precision::Native;
        matches!((native, emulated), (Ok(a), Ok(b)) if a == b)
    }

    /// The adapter's name, kind and precision (`"llvmpipe (LLVM 15.0.6, 256 bits) (Cpu,
    /// Vulkan, f64)"`).
    pub fn describe(&self) -> String {
        let p = match self.precision {
            Precision::Native => "f64",
            Precision::Emulated => "emulated f64",
        };
        format!("{} ({:?}, {:?}, {p})", self.info.name, self.info.device_type, self.info.backend)
    }

    /// Whether the device was lost: every later call is a [`GpuError::Device`] (callers
    /// fall back to the component).
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// Destroy the device now, freeing its memory: later calls fail as on a lost device.
    /// (Also how the tests lose a device.)
    pub fn destroy(&self) {
        self.lost.store(true, Ordering::SeqCst);
        self.device.destroy();
    }

    /// How the kernels compute.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Whether the device has f64 shaders that were not used because they did not give
    /// the emulation's bytes (see `native_f64_agrees`).
    pub fn f64_refused(&self) -> bool {
        self.f64_refused
    }

    /// Compute with emulated f64 even where the device has f64 (for tests and comparisons).
    pub fn emulating_f64(mut self) -> Self {
        self.precision = Precision::Emulated;
        self
    }

    /// Bytes one storage binding may hold on this device.
    pub fn max_binding_bytes(&self) -> u64 {
        self.max_binding
    }

    pub(crate) fn layout(&self) -> &wgpu::BindGroupLayout {
        &self.layout
    }

    /// The pipeline of `key`, compiled on first use.
    pub(crate) fn pipeline(&self, key: ShaderKey) -> wgpu::ComputePipeline {
        let mut pipelines = self.pipelines.lock().unwrap_or_else(|p| p.into_inner());
        pipelines
            .entry(key)
            .or_insert_with(|| {
                let code = key.wgsl();
                let module = self.device.create_shader_module(wgpu::ShaderModuleDescriptor {
                    label: Some("witk-wgpu"),
                    source: wgpu::ShaderSource::Wgsl(code.into()),
                });
                self.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some("witk-wgpu"),
                    layout: Some(&self.pipeline_layout),
                    module: &module,
                    entry_point: Some("main"),
                    compilation_options: Default::default(),
                    cache: None,
                })
            })
            .clone()
    }
}
