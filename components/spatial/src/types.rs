//! Component and pixel types, with the names the WIT, ITK-Wasm and every binding use.

/// Scalar type of one pixel component, in WIT order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComponentType {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
}

/// (type, name): the WIT case name, which is also ITK-Wasm's `IntTypes`/`FloatTypes` value.
const COMPONENT_NAMES: [(ComponentType, &str); 10] = [
    (ComponentType::I8, "int8"),
    (ComponentType::U8, "uint8"),
    (ComponentType::I16, "int16"),
    (ComponentType::U16, "uint16"),
    (ComponentType::I32, "int32"),
    (ComponentType::U32, "uint32"),
    (ComponentType::I64, "int64"),
    (ComponentType::U64, "uint64"),
    (ComponentType::F32, "float32"),
    (ComponentType::F64, "float64"),
];

impl ComponentType {
    /// Every component type, in WIT order.
    pub const ALL: [ComponentType; 10] = {
        let mut all = [ComponentType::I8; 10];
        let mut i = 0;
        while i < 10 {
            all[i] = COMPONENT_NAMES[i].0;
            i += 1;
        }
        all
    };

    /// Bytes per value.
    pub fn size(self) -> usize {
        match self {
            ComponentType::I8 | ComponentType::U8 => 1,
            ComponentType::I16 | ComponentType::U16 => 2,
            ComponentType::I32 | ComponentType::U32 | ComponentType::F32 => 4,
            ComponentType::I64 | ComponentType::U64 | ComponentType::F64 => 8,
        }
    }

    /// `"uint16"`: the WIT and ITK-Wasm name.
    pub fn name(self) -> &'static str {
        COMPONENT_NAMES.iter().find(|(c, _)| *c == self).map(|(_, n)| *n).expect("every component type is named")
    }

    /// The type named `name` (`"float32"`), if any.
    pub fn from_name(name: &str) -> Option<ComponentType> {
        COMPONENT_NAMES.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
    }

    pub fn is_float(self) -> bool {
        matches!(self, ComponentType::F32 | ComponentType::F64)
    }
}

/// ITK-Wasm's pixel types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PixelType {
    Unknown,
    Scalar,
    Rgb,
    Rgba,
    Offset,
    Vector,
    Point,
    CovariantVector,
    SymmetricSecondRankTensor,
    DiffusionTensor3D,
    Complex,
    FixedArray,
    Array,
    Matrix,
    VariableLengthVector,
    VariableSizeMatrix,
}

/// (type, ITK-Wasm's name, WIT case name).
const PIXEL_NAMES: [(PixelType, &str, &str); 16] = [
    (PixelType::Unknown, "Unknown", "unknown"),
    (PixelType::Scalar, "Scalar", "scalar"),
    (PixelType::Rgb, "RGB", "rgb"),
    (PixelType::Rgba, "RGBA", "rgba"),
    (PixelType::Offset, "Offset", "offset"),
    (PixelType::Vector, "Vector", "vector"),
    (PixelType::Point, "Point", "point"),
    (PixelType::CovariantVector, "CovariantVector", "covariant-vector"),
    (PixelType::SymmetricSecondRankTensor, "SymmetricSecondRankTensor", "symmetric-second-rank-tensor"),
    (PixelType::DiffusionTensor3D, "DiffusionTensor3D", "diffusion-tensor3-d"),
    (PixelType::Complex, "Complex", "complex"),
    (PixelType::FixedArray, "FixedArray", "fixed-array"),
    (PixelType::Array, "Array", "array"),
    (PixelType::Matrix, "Matrix", "matrix"),
    (PixelType::VariableLengthVector, "VariableLengthVector", "variable-length-vector"),
    (PixelType::VariableSizeMatrix, "VariableSizeMatrix", "variable-size-matrix"),
];

impl PixelType {
    /// Every pixel type, in WIT order.
    pub const ALL: [PixelType; 16] = {
        let mut all = [PixelType::Unknown; 16];
        let mut i = 0;
        while i < 16 {
            all[i] = PIXEL_NAMES[i].0;
            i += 1;
        }
        all
    };

    fn entry(self) -> &'static (PixelType, &'static str, &'static str) {
        PIXEL_NAMES.iter().find(|e| e.0 == self).expect("every pixel type is named")
    }

    /// ITK-Wasm's name (`"Scalar"`, `"RGB"`, `"VariableLengthVector"`).
    pub fn name(self) -> &'static str {
        self.entry().1
    }

    /// The WIT case name (`"scalar"`, `"rgb"`, `"variable-length-vector"`).
    pub fn wit_name(self) -> &'static str {
        self.entry().2
    }

    /// The type with ITK-Wasm's name `name`, if any.
    pub fn from_name(name: &str) -> Option<PixelType> {
        PIXEL_NAMES.iter().find(|e| e.1 == name).map(|e| e.0)
    }

    /// The type with WIT case name `name`, if any.
    pub fn from_wit_name(name: &str) -> Option<PixelType> {
        PIXEL_NAMES.iter().find(|e| e.2 == name).map(|e| e.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for c in ComponentType::ALL {
            assert_eq!(ComponentType::from_name(c.name()), Some(c));
        }
        for p in PixelType::ALL {
            assert_eq!(PixelType::from_name(p.name()), Some(p));
            assert_eq!(PixelType::from_wit_name(p.wit_name()), Some(p));
        }
        assert_eq!(ComponentType::ALL.map(|c| c.size()), [1, 1, 2, 2, 4, 4, 8, 8, 4, 8]);
        assert_eq!(ComponentType::from_name("uint7"), None);
        assert_eq!(PixelType::Rgb.name(), "RGB");
        assert_eq!(PixelType::DiffusionTensor3D.wit_name(), "diffusion-tensor3-d");
    }

    /// The WIT is the source of truth: every case of `witk:types/spatial`'s enums is here,
    /// in its order.
    #[test]
    fn cases_match_the_wit() {
        let wit = include_str!("../../../wit/types/spatial.wit");
        let cases = |name: &str| -> Vec<String> {
            let start = wit.find(&format!("enum {name} {{")).expect("enum in the WIT") + name.len() + 7;
            let body = &wit[start..][..wit[start..].find('}').unwrap()];
            let code: Vec<&str> = body.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
            code.join(" ").split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
        };
        assert_eq!(cases("component-type"), ComponentType::ALL.map(|c| c.name().to_string()));
        assert_eq!(cases("pixel-type"), PixelType::ALL.map(|p| p.wit_name().to_string()));
    }
}
