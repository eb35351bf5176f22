//! SWC neuron morphologies: one sample per line, `id type x y z radius parent` (`#`
//! comments, parent -1 for a root). Samples become points, each parent link a line
//! cell `[parent, child]`, and (type, radius) the point data, two components per point.

use crate::model::{bad, cell, Cells, Code, Ctype, Data, Failure, Mesh, Pixel, Pixels};
use crate::text::{lines, push_coord, Tokens};
use std::collections::HashMap;

pub fn read(b: &[u8]) -> Result<Mesh, Failure> {
    let mut points: Vec<f32> = Vec::new();
    let mut data: Vec<f32> = Vec::new();
    let mut ids: HashMap<i64, u32> = HashMap::new();
    let mut parents: Vec<(i64, u32, usize)> = Vec::new();
    for (n, line) in lines(b).enumerate() {
        let line = line.split(|&c| c == b'#').next().unwrap_or_default();
        if line.trim_ascii().is_empty() {
            continue;
        }
        let mut t = Tokens::new(line, "SWC", false);
        let id = t.i64("a sample id")?;
        let kind = t.f64("a sample type")?;
        for _ in 0..3 {
            points.push(t.f64("a coordinate")? as f32);
        }
        let radius = t.f64("a radius")?;
        let parent = t.i64("a parent id")?;
        let index = (points.len() / 3 - 1) as u32;
        if ids.insert(id, index).is_some() {
            return Err(bad("SWC", format!("line {}: sample id {id} appears twice", n + 1)));
        }
        data.extend_from_slice(&[kind as f32, radius as f32]);
        if parent >= 0 {
            parents.push((parent, index, n + 1));
        }
    }
    let mut cells = Cells::default();
    for (parent, child, line) in parents {
        let p = *ids.get(&parent).ok_or_else(|| bad("SWC", format!("line {line}: parent {parent} is not a sample")))?;
        cells.push(cell::LINE, &[p, child]);
    }
    let n = points.len() as u64 / 3;
    let mut mesh = cells.mesh(3, Pixels::F32(points));
    mesh.point_data = Data::new(Pixel::Vector, 2, n, Pixels::F32(data));
    Ok(mesh)
}

pub fn write(mesh: &Mesh) -> Result<Vec<u8>, Failure> {
    let n = mesh.number_of_points as usize;
    let mut parent = vec![-1i64; n];
    let mut index = 0u64;
    mesh.each_cell(|kind, ids| {
        match (kind, ids) {
            (cell::LINE, [p, c]) if parent[*c as usize] < 0 => parent[*c as usize] = *p as i64 + 1,
            (cell::LINE, _) => return Err(format!("SWC: point {} has two parents (cell {index})", ids[1])),
            (cell::VERTEX, _) => {}
            _ => return Err(format!("SWC holds parent links (lines): cell {index} has ITK cell type {kind}")),
        }
        index += 1;
        Ok(())
    })
    .map_err(|f| Failure::new(Code::Unsupported, f.message))?;
    let pd = &mesh.point_data;
    let values = if pd.count as usize == n { pd.f64s() } else { Vec::new() };
    let comps = pd.components.max(1);
    let single = mesh.point_ctype == Ctype::F32;
    let xyz = mesh.coordinates();
    let d = mesh.dimension.max(1);
    let mut s = String::from("# SWC written by witk: id type x y z radius parent\n");
    for i in 0..n {
        let (kind, radius) = match (values.is_empty(), comps) {
            (true, _) => (0.0, 1.0),
            (false, 1) => (0.0, values[i]),
            (false, _) => (values[i * comps], values[i * comps + 1]),
        };
        s.push_str(&format!("{} {} ", i + 1, kind as i64));
        for c in 0..3 {
            push_coord(&mut s, xyz[i * d..].get(c).copied().filter(|_| c < d).unwrap_or(0.0), single);
            s.push(' ');
        }
        push_coord(&mut s, radius, true);
        s.push_str(&format!(" {}\n", parent[i]));
    }
    Ok(s.into_bytes())
}
