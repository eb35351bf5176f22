//! Reading attributes the way every part of the pipeline needs them: numbers, text and
//! integers from a data set, sequence items, functional-group lookups (per-frame item
//! first, then the shared one), and the vector arithmetic of patient coordinates.

use dicom_core::{Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

/// The text of an element some writers store as UN (unknown VR) although the dictionary
/// gives it a text VR (DS, IS, UI, ...): its bytes, as pydicom reads them.
fn unknown_text(obj: &InMemDicomObject, tag: Tag) -> Option<Option<String>> {
    let e = obj.get(tag)?;
    if e.vr() != VR::UN {
        return None;
    }
    let bytes = e.to_bytes().ok();
    Some(bytes.map(|b| String::from_utf8_lossy(&b).trim_end_matches(['\0', ' ']).to_string()))
}

fn numbers<T: std::str::FromStr>(text: &str) -> Option<Vec<T>> {
    text.split('\\').map(|v| v.trim().parse().ok()).collect()
}

pub fn floats(obj: &InMemDicomObject, tag: Tag) -> Option<Vec<f64>> {
    match unknown_text(obj, tag) {
        Some(t) => numbers(&t?),
        None => obj.get(tag)?.to_multi_float64().ok(),
    }
}

pub fn text(obj: &InMemDicomObject, tag: Tag) -> Option<String> {
    match unknown_text(obj, tag) {
        Some(t) => t,
        None => Some(obj.get(tag)?.to_str().ok()?.trim_end_matches(['\0', ' ']).to_string()),
    }
}

pub fn int(obj: &InMemDicomObject, tag: Tag) -> Option<i64> {
    match unknown_text(obj, tag) {
        Some(t) => numbers(&t?)?.first().copied(),
        None => obj.get(tag)?.to_int::<i64>().ok(),
    }
}

/// The first item of sequence `seq` in `obj`.
pub fn item(obj: &InMemDicomObject, seq: Tag) -> Option<&InMemDicomObject> {
    obj.get(seq)?.items()?.first()
}

/// A functional-group attribute: in `frame`'s per-frame item, else in the shared item.
pub fn group_floats(obj: &InMemDicomObject, frame: Option<&InMemDicomObject>, seq: Tag, tag: Tag) -> Option<Vec<f64>> {
    frame.and_then(|f| item(f, seq)).and_then(|i| floats(i, tag)).or_else(|| {
        item(obj, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE).and_then(|s| item(s, seq)).and_then(|i| floats(i, tag))
    })
}

pub fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

pub fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub fn three(v: &[f64]) -> [f64; 3] {
    [v[0], v[1], v[2]]
}
