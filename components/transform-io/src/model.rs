//! The transform model the formats read into and write from: ITK-Wasm's `Transform`
//! field for field, and ITK's class names (`Euler3DTransform_double_3_3`), which every
//! ITK file format stores.

pub use witk_guest::{bad, Code, Ctype, Failure, Parameterization, Pixels};

#[derive(Clone, Debug, PartialEq)]
pub struct Transform {
    pub kind: Parameterization,
    pub input_dimension: u32,
    pub output_dimension: u32,
    pub name: String,
    pub input_space: String,
    pub output_space: String,
    pub fixed: Vec<f64>,
    /// float32 or float64 values (ITK-Wasm's `parametersValueType`).
    pub params: Pixels,
    pub metadata: Vec<(String, String)>,
}

impl Transform {
    /// A transform as ITK's file readers give it (no names: ITK-Wasm leaves them empty).
    pub fn new(kind: Parameterization, dims: (u32, u32), fixed: Vec<f64>, params: Pixels) -> Transform {
        Transform {
            kind,
            input_dimension: dims.0,
            output_dimension: dims.1,
            name: String::new(),
            input_space: String::new(),
            output_space: String::new(),
            fixed,
            params,
            metadata: Vec::new(),
        }
    }

    pub fn is_float(&self) -> bool {
        self.params.ctype() == Ctype::F32
    }

    /// The parameters as float64 (float32 values are exact in float64).
    #[allow(clippy::unnecessary_cast)] // one body for every buffer type, float64 included
    pub fn params_f64(&self) -> Vec<f64> {
        match &self.params {
            Pixels::F32(v) => v.iter().map(|&x| x as f64).collect(),
            Pixels::F64(v) => v.clone(),
            other => witk_guest::with_pixels!(other, v => v.iter().map(|&x| x as f64).collect()),
        }
    }

    /// ITK's class name with its template arguments: `Euler3DTransform_double_3_3`.
    pub fn itk_name(&self, float: bool) -> String {
        format!(
            "{}_{}_{}_{}",
            self.kind.itk_class(),
            if float { "float" } else { "double" },
            self.input_dimension,
            self.output_dimension
        )
    }

    /// The same transform with float32 (`float = true`) or float64 parameters.
    pub fn with_precision(mut self, float: bool) -> Transform {
        self.params = precision(self.params_f64(), float);
        self
    }

    /// As ITK reads it: an Euler 3-D transform's fixed parameters are the centre and the
    /// ComputeZYX flag, which older files leave out (ITK reads it as 0).
    pub fn normalized(mut self) -> Transform {
        if self.kind == Parameterization::Euler3D && self.fixed.len() == 3 {
            self.fixed.push(0.0);
        }
        self
    }

    /// Checks of a caller's transform.
    pub fn check(&self) -> Result<(), String> {
        if !matches!(self.params.ctype(), Ctype::F32 | Ctype::F64) {
            return Err(format!("parameters are {}; transforms have float32 or float64", self.params.ctype().name()));
        }
        if !(1..=16).contains(&self.input_dimension) || !(1..=16).contains(&self.output_dimension) {
            return Err(format!("a {}-D to {}-D transform", self.input_dimension, self.output_dimension));
        }
        Ok(())
    }
}

/// Parameter values as float32 or float64.
pub fn precision(values: Vec<f64>, float: bool) -> Pixels {
    if float {
        Pixels::F32(values.iter().map(|&x| x as f32).collect())
    } else {
        Pixels::F64(values)
    }
}

/// (parameterization, float parameters, input and output dimension) of an ITK class
/// name such as `AffineTransform_float_3_3`.
pub fn parse_itk_name(name: &str) -> Result<(Parameterization, bool, (u32, u32)), Failure> {
    let bad = || Failure::new(Code::InvalidData, format!("{name:?} is not an ITK transform class name"));
    let mut parts = name.trim().rsplitn(4, '_');
    let out: u32 = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let inp: u32 = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let float = match parts.next().ok_or_else(bad)? {
        "float" => true,
        "double" => false,
        _ => return Err(bad()),
    };
    let class = parts.next().ok_or_else(bad)?;
    // ITK 3's B-spline class, and the old deformable name, are ITK's B-spline today.
    let class = match class {
        "BSplineDeformableTransform" => "BSplineTransform",
        c => c,
    };
    let kind = Parameterization::from_itk_class(class)
        .ok_or_else(|| Failure::new(Code::Unsupported, format!("ITK transform class {class:?}")))?;
    if !(1..=16).contains(&inp) || !(1..=16).contains(&out) {
        return Err(bad());
    }
    Ok((kind, float, (inp, out)))
}

/// The list checks every writer relies on: a composite comes first, alone.
pub fn check_list(list: &[Transform]) -> Result<(), Failure> {
    for (i, t) in list.iter().enumerate() {
        t.check().map_err(|m| Failure::new(Code::InvalidArgument, format!("transform {i}: {m}")))?;
        if t.kind == Parameterization::Composite && i != 0 {
            return Err(Failure::new(
                Code::InvalidArgument,
                format!("transform {i} is a composite: only the first of a list may be (ITK-Wasm's layout)"),
            ));
        }
    }
    Ok(())
}
