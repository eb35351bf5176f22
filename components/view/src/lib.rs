//! The view pipeline as a component: the pictures in `render`, and this file adapting
//! them to the WIT export.

pub mod mesh;
pub mod render;

pub use witk_guest::{Code, Failure};

#[cfg(target_arch = "wasm32")]
mod component {
    use super::render::{self, Options, Volume};
    use super::{Code, Failure};
    use witk_mesh::wit::mesh_to_model;

    wit_bindgen::generate!({
        path: "../../wit/view",
        world: "witk:view/view",
        with: {
            "witk:types/errors@0.1.0": witk_guest::wit::errors,
            "witk:types/spatial@0.1.0": witk_guest::wit::spatial,
        },
    });

    use exports::witk::view::api::Guest;
    use witk_guest::wit::errors::Error;
    use witk_guest::wit::spatial::{self as wit, Buffer, ComponentType, PixelType};
    use witk_guest::Pixels;

    fn volume(i: wit::Image) -> Result<Volume, Failure> {
        let invalid = |m: String| Failure::new(Code::InvalidArgument, m);
        let t = &i.image_type;
        let d = t.dimension as usize;
        if !(2..=3).contains(&d) || i.size.len() != d || i.spacing.len() != d {
            return Err(invalid(format!("a {d}-D image: view shows 2-D and 3-D images")));
        }
        let colour = matches!(t.pixel_type, PixelType::Rgb | PixelType::Rgba);
        let components = t.components as usize;
        if colour && !(t.component_type == ComponentType::Uint8 && (components == 3 || components == 4)) {
            return Err(invalid("colour images are shown as uint8 RGB or RGBA; cast it first".into()));
        }
        if !colour && (t.pixel_type != PixelType::Scalar || components != 1) {
            return Err(invalid(format!(
                "a {:?} image of {components} components: view shows scalars and RGB(A)",
                t.pixel_type
            )));
        }
        if i.buffered_region.as_ref().is_some_and(|r| r.size != i.size || r.index.iter().any(|&x| x != 0)) {
            return Err(invalid("the image holds only part of its region (a buffered region)".into()));
        }
        let data = i.data.ok_or_else(|| invalid("the image has no pixels (it was read information-only)".into()))?;
        let pixels = Pixels::from(data);
        let mut size = [1usize; 3];
        let mut spacing = [1f64; 3];
        for k in 0..d {
            size[k] = usize::try_from(i.size[k]).map_err(|_| invalid(format!("size {:?}", i.size)))?;
            spacing[k] = i.spacing[k];
        }
        let n = size.iter().try_fold(components, |a, &s| a.checked_mul(s));
        if n != Some(pixels.count()) {
            return Err(invalid(format!(
                "{} values for a {:?} image of {components} components",
                pixels.count(),
                i.size
            )));
        }
        Ok(Volume { size, spacing, two_d: d == 2, components, pixels })
    }

    /// A 2-D RGB uint8 image, spacing 1, origin 0.
    fn picture(width: usize, height: usize, rgb: Vec<u8>) -> wit::Image {
        let size = vec![width as u64, height as u64];
        wit::Image {
            image_type: wit::ImageType {
                dimension: 2,
                component_type: ComponentType::Uint8,
                pixel_type: PixelType::Rgb,
                components: 3,
            },
            name: String::new(),
            origin: vec![0.0; 2],
            spacing: vec![1.0; 2],
            direction: vec![1.0, 0.0, 0.0, 1.0],
            buffered_region: Some(wit::ImageRegion { index: vec![0; 2], size: size.clone() }),
            size,
            metadata: Vec::new(),
            data: Some(Buffer::Uint8(rgb)),
        }
    }

    struct Pipeline;

    impl Guest for Pipeline {
        fn render_slices(
            image: wit::Image,
            axis: Option<u32>,
            slice: Option<u64>,
            window: Option<f64>,
            level: Option<f64>,
            projection: bool,
            labels: bool,
        ) -> Result<wit::Image, Error> {
            let o = Options { axis, slice, window, level, projection, labels };
            let p = render::render(&volume(image)?, &o)?;
            Ok(picture(p.width, p.height, p.rgb))
        }

        fn render_mesh(mesh: wit::Mesh, width: u32, height: u32, yaw: f64, pitch: f64) -> Result<wit::Image, Error> {
            let mesh = mesh_to_model(mesh)?;
            let rgb = super::mesh::render(&mesh, &super::mesh::Camera { width, height, yaw, pitch })?;
            Ok(picture(width as usize, height as usize, rgb))
        }
    }

    export!(Pipeline);
}

#[cfg(test)]
mod tests;
