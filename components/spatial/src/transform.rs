//! Transform parameterizations, with ITK-Wasm's names and ITK's class names, written once.

/// How a transform's parameters are interpreted, in WIT order (ITK-Wasm's
/// `TransformParameterizations`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Parameterization {
    Composite,
    Identity,
    Translation,
    Euler2D,
    Euler3D,
    Rigid2D,
    Rigid3D,
    Rigid3DPerspective,
    Versor,
    VersorRigid3D,
    Scale,
    ScaleLogarithmic,
    ScaleSkewVersor3D,
    Similarity2D,
    Similarity3D,
    QuaternionRigid,
    Affine,
    ScalableAffine,
    AzimuthElevationToCartesian,
    BSpline,
    BSplineSmoothingOnUpdateDisplacementField,
    ConstantVelocityField,
    DisplacementField,
    GaussianSmoothingOnUpdateDisplacementField,
    GaussianExponentialDiffeomorphic,
    VelocityField,
    TimeVaryingVelocityField,
    GaussianSmoothingOnUpdateTimeVaryingVelocityField,
}

use Parameterization as P;

/// Every parameterization in WIT order, with ITK-Wasm's name; ITK's class is the name
/// followed by `Transform` (`Euler3D` -> `Euler3DTransform`).
const NAMES: [(Parameterization, &str); 28] = [
    (P::Composite, "Composite"),
    (P::Identity, "Identity"),
    (P::Translation, "Translation"),
    (P::Euler2D, "Euler2D"),
    (P::Euler3D, "Euler3D"),
    (P::Rigid2D, "Rigid2D"),
    (P::Rigid3D, "Rigid3D"),
    (P::Rigid3DPerspective, "Rigid3DPerspective"),
    (P::Versor, "Versor"),
    (P::VersorRigid3D, "VersorRigid3D"),
    (P::Scale, "Scale"),
    (P::ScaleLogarithmic, "ScaleLogarithmic"),
    (P::ScaleSkewVersor3D, "ScaleSkewVersor3D"),
    (P::Similarity2D, "Similarity2D"),
    (P::Similarity3D, "Similarity3D"),
    (P::QuaternionRigid, "QuaternionRigid"),
    (P::Affine, "Affine"),
    (P::ScalableAffine, "ScalableAffine"),
    (P::AzimuthElevationToCartesian, "AzimuthElevationToCartesian"),
    (P::BSpline, "BSpline"),
    (P::BSplineSmoothingOnUpdateDisplacementField, "BSplineSmoothingOnUpdateDisplacementField"),
    (P::ConstantVelocityField, "ConstantVelocityField"),
    (P::DisplacementField, "DisplacementField"),
    (P::GaussianSmoothingOnUpdateDisplacementField, "GaussianSmoothingOnUpdateDisplacementField"),
    (P::GaussianExponentialDiffeomorphic, "GaussianExponentialDiffeomorphic"),
    (P::VelocityField, "VelocityField"),
    (P::TimeVaryingVelocityField, "TimeVaryingVelocityField"),
    (P::GaussianSmoothingOnUpdateTimeVaryingVelocityField, "GaussianSmoothingOnUpdateTimeVaryingVelocityField"),
];

impl Parameterization {
    pub const ALL: [Parameterization; 28] = {
        let mut all = [P::Composite; 28];
        let mut i = 0;
        while i < 28 {
            all[i] = NAMES[i].0;
            i += 1;
        }
        all
    };

    /// `"Euler3D"`: ITK-Wasm's name.
    pub fn name(self) -> &'static str {
        NAMES.iter().find(|(p, _)| *p == self).map(|(_, n)| *n).expect("every parameterization is named")
    }

    pub fn from_name(name: &str) -> Option<Parameterization> {
        NAMES.iter().find(|(_, n)| *n == name).map(|(p, _)| *p)
    }

    /// ITK's class name (`"Euler3DTransform"`).
    pub fn itk_class(self) -> String {
        format!("{}Transform", self.name())
    }

    /// The parameterization of an ITK class name. `MatrixOffsetTransformBase` (older
    /// ITK and ANTs files) is an affine transform with the same parameters.
    pub fn from_itk_class(class: &str) -> Option<Parameterization> {
        if class == "MatrixOffsetTransformBase" {
            return Some(P::Affine);
        }
        Parameterization::from_name(class.strip_suffix("Transform")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Parameterization::ALL {
            assert_eq!(Parameterization::from_name(p.name()), Some(p));
            assert_eq!(Parameterization::from_itk_class(&p.itk_class()), Some(p));
        }
        assert_eq!(Parameterization::from_itk_class("MatrixOffsetTransformBase"), Some(P::Affine));
        assert_eq!(Parameterization::from_itk_class("Euler3D"), None);
    }
}
