//! Paths for transform-io: the host reads a transform file and writes the file the
//! component returns (`read_transform_path` and `write_transform_to_path`, generated);
//! the component itself never touches the file system.

use super::TransformIo;

impl crate::pipelines::Setup for TransformIo {}
