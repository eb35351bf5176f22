//! Typed pipeline APIs: one module per WIT package found in `wit/`, generated at build
//! time (`host/build.rs`, witk-codegen) over `bindgen!`, joined with the hand-written
//! parts in the pipeline's `components/<name>/host/` folder (`mod.rs`, `cli.rs`).

use crate::error::{Error, ErrorCode};
use crate::runtime::Runtime;

include!(concat!(env!("OUT_DIR"), "/pipelines.rs"));

/// Generated bindings for `witk:types`, shared by every pipeline's `bindgen!` through `with`.
pub mod types {
    wasmtime::component::bindgen!({
        path: "../wit/types",
        world: "witk:types/types",
        additional_derives: [PartialEq],
    });
    pub use self::witk::types::errors::{Error, ErrorCode};
}

/// The generated enums of `witk:types/spatial` and `witk-spatial`'s (which has their names),
/// converted both ways by variant.
macro_rules! both_ways {
    ($wit:ty, $model:ty: $($w:ident <=> $m:ident),* $(,)?) => {
        impl From<$wit> for $model {
            fn from(x: $wit) -> $model {
                match x { $(<$wit>::$w => <$model>::$m),* }
            }
        }
        impl From<$model> for $wit {
            fn from(x: $model) -> $wit {
                match x { $(<$model>::$m => <$wit>::$w),* }
            }
        }
    };
}

both_ways!(types::witk::types::spatial::ComponentType, witk_spatial::ComponentType:
    Int8 <=> I8, Uint8 <=> U8, Int16 <=> I16, Uint16 <=> U16, Int32 <=> I32, Uint32 <=> U32,
    Int64 <=> I64, Uint64 <=> U64, Float32 <=> F32, Float64 <=> F64,
);

both_ways!(types::witk::types::spatial::PixelType, witk_spatial::PixelType:
    Unknown <=> Unknown, Scalar <=> Scalar, Rgb <=> Rgb, Rgba <=> Rgba, Offset <=> Offset, Vector <=> Vector,
    Point <=> Point, CovariantVector <=> CovariantVector,
    SymmetricSecondRankTensor <=> SymmetricSecondRankTensor, DiffusionTensor3D <=> DiffusionTensor3D,
    Complex <=> Complex, FixedArray <=> FixedArray, Array <=> Array, Matrix <=> Matrix,
    VariableLengthVector <=> VariableLengthVector, VariableSizeMatrix <=> VariableSizeMatrix,
);

both_ways!(types::witk::types::spatial::TransformParameterization, witk_spatial::Parameterization:
    Composite <=> Composite, Identity <=> Identity, Translation <=> Translation, Euler2D <=> Euler2D,
    Euler3D <=> Euler3D, Rigid2D <=> Rigid2D, Rigid3D <=> Rigid3D, Rigid3DPerspective <=> Rigid3DPerspective,
    Versor <=> Versor, VersorRigid3D <=> VersorRigid3D, Scale <=> Scale, ScaleLogarithmic <=> ScaleLogarithmic,
    ScaleSkewVersor3D <=> ScaleSkewVersor3D, Similarity2D <=> Similarity2D, Similarity3D <=> Similarity3D,
    QuaternionRigid <=> QuaternionRigid, Affine <=> Affine, ScalableAffine <=> ScalableAffine,
    AzimuthElevationToCartesian <=> AzimuthElevationToCartesian, BSpline <=> BSpline,
    BSplineSmoothingOnUpdateDisplacementField <=> BSplineSmoothingOnUpdateDisplacementField,
    ConstantVelocityField <=> ConstantVelocityField, DisplacementField <=> DisplacementField,
    GaussianSmoothingOnUpdateDisplacementField <=> GaussianSmoothingOnUpdateDisplacementField,
    GaussianExponentialDiffeomorphic <=> GaussianExponentialDiffeomorphic, VelocityField <=> VelocityField,
    TimeVaryingVelocityField <=> TimeVaryingVelocityField,
    GaussianSmoothingOnUpdateTimeVaryingVelocityField <=> GaussianSmoothingOnUpdateTimeVaryingVelocityField,
);

/// What a binding that loads pipelines by name (the Python extension) does after loading
/// one: downsample, for example, installs its parallel slab plan as overrides. A pipeline
/// without a `host/mod.rs` gets the default (nothing); one with it implements this there.
pub trait Setup {
    fn setup(&self, _runtime: &Runtime) {}
}

impl From<types::ErrorCode> for ErrorCode {
    fn from(c: types::ErrorCode) -> Self {
        match c {
            types::ErrorCode::InvalidArgument => ErrorCode::InvalidArgument,
            types::ErrorCode::InvalidData => ErrorCode::InvalidData,
            types::ErrorCode::LimitExceeded => ErrorCode::LimitExceeded,
            types::ErrorCode::Unsupported => ErrorCode::Unsupported,
            types::ErrorCode::Internal => ErrorCode::Internal,
        }
    }
}

/// Convert a component's error into a witk [`Error`].
pub(crate) fn pipeline_error(pipeline: &str, code: impl Into<ErrorCode>, message: String) -> Error {
    Error::Pipeline { pipeline: pipeline.to_string(), code: code.into(), message }
}
