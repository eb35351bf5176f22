//! The `witk:types` bindings, generated once for every component, and the conversions
//! between them and the model. Components map the shared interfaces here with
//! `with: { "witk:types/errors@0.1.0": witk_guest::wit::errors, ... }`, so
//! `Error`, `Image` and `Buffer` are the same Rust types in every crate.

use crate::{Code, Ctype, Failure, Parameterization, Pixel, Pixels};

wit_bindgen::generate!({
    path: "../../wit/types",
    world: "witk:types/types",
    // The world has no functions: without this, types no function uses are left out.
    generate_unused_types: true,
});

pub use witk::types::{errors, spatial};

use errors::{Error, ErrorCode};
use spatial::{Buffer, ComponentType, PixelType, TransformParameterization};

impl From<Failure> for Error {
    fn from(f: Failure) -> Self {
        let code = match f.code {
            Code::InvalidArgument => ErrorCode::InvalidArgument,
            Code::InvalidData => ErrorCode::InvalidData,
            Code::LimitExceeded => ErrorCode::LimitExceeded,
            Code::Unsupported => ErrorCode::Unsupported,
            Code::Internal => ErrorCode::Internal,
        };
        Error { code, message: f.message }
    }
}

/// `From` both ways between a WIT enum or variant and its model twin, case by case.
macro_rules! both_ways {
    ($wit:ident <=> $model:ident: $($w:ident <=> $m:ident),* $(,)?) => {
        impl From<$wit> for $model {
            fn from(x: $wit) -> $model {
                match x { $($wit::$w => $model::$m),* }
            }
        }
        impl From<$model> for $wit {
            fn from(x: $model) -> $wit {
                match x { $($model::$m => $wit::$w),* }
            }
        }
    };
    // Variants carrying the same typed vector on both sides: a move, not a copy.
    ($wit:ident(v) <=> $model:ident(v): $($w:ident <=> $m:ident),* $(,)?) => {
        impl From<$wit> for $model {
            fn from(x: $wit) -> $model {
                match x { $($wit::$w(v) => $model::$m(v)),* }
            }
        }
        impl From<$model> for $wit {
            fn from(x: $model) -> $wit {
                match x { $($model::$m(v) => $wit::$w(v)),* }
            }
        }
    };
}

both_ways!(ComponentType <=> Ctype:
    Int8 <=> I8, Uint8 <=> U8, Int16 <=> I16, Uint16 <=> U16, Int32 <=> I32, Uint32 <=> U32,
    Int64 <=> I64, Uint64 <=> U64, Float32 <=> F32, Float64 <=> F64,
);

both_ways!(Buffer(v) <=> Pixels(v):
    Int8 <=> I8, Uint8 <=> U8, Int16 <=> I16, Uint16 <=> U16, Int32 <=> I32, Uint32 <=> U32,
    Int64 <=> I64, Uint64 <=> U64, Float32 <=> F32, Float64 <=> F64,
);

both_ways!(PixelType <=> Pixel:
    Unknown <=> Unknown, Scalar <=> Scalar, Rgb <=> Rgb, Rgba <=> Rgba, Offset <=> Offset, Vector <=> Vector,
    Point <=> Point, CovariantVector <=> CovariantVector,
    SymmetricSecondRankTensor <=> SymmetricSecondRankTensor, DiffusionTensor3D <=> DiffusionTensor3D,
    Complex <=> Complex, FixedArray <=> FixedArray, Array <=> Array, Matrix <=> Matrix,
    VariableLengthVector <=> VariableLengthVector, VariableSizeMatrix <=> VariableSizeMatrix,
);

both_ways!(TransformParameterization <=> Parameterization:
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
