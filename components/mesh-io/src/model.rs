//! The mesh model is `witk-mesh`'s, shared with the other mesh pipelines.

pub use witk_mesh::*;
