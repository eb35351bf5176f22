//! Parse a DICOM file from bytes: with or without the 128-byte preamble, and bare data
//! sets without file meta information (old files, some test files) as implicit or
//! explicit VR little endian, guessed from the first element.

use crate::alloc_cap;
use crate::lengths::{self, Encoding};
use crate::{Code, Failure};
use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::file::ReadPreamble;
use dicom_object::meta::{FileMetaTable, FileMetaTableBuilder};
use dicom_object::{DefaultDicomObject, InMemDicomObject, OpenFileOptions};
use dicom_transfer_syntax_registry::entries::{EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN};

/// Whether the file had file meta information (bare data sets get a made-up one, and no
/// meta elements are listed for them).
pub struct Parsed {
    pub file: DefaultDicomObject,
    pub has_meta: bool,
}

/// Parse `bytes` (named `what` in errors), stopping before `until` if given (tags do not
/// need the pixel data).
pub fn parse(bytes: &[u8], what: &str, until: Option<Tag>) -> Result<Parsed, Failure> {
    let bad =
        |e: &dyn std::fmt::Display| Failure::new(Code::InvalidData, format!("{what}: not a readable DICOM file: {e}"));
    let with_meta = if bytes.len() >= 132 && &bytes[128..132] == b"DICM" {
        Some(&bytes[128..])
    } else if bytes.starts_with(b"DICM") {
        Some(bytes)
    } else {
        None
    };
    if let Some(rest) = with_meta {
        // Declared lengths first (lengths.rs): dicom-rs allocates them before reading.
        let as_declared = lengths::check_with_meta(&rest[4..], None, until);
        let as_implicit = lengths::walk_with_meta(&rest[4..], Some(Encoding::ImplicitLittle), until);
        if let (Err(e), Err(_)) = (&as_declared, &as_implicit) {
            return Err(bad(e));
        }
        let mut options = OpenFileOptions::new().read_preamble(ReadPreamble::Never);
        if let Some(tag) = until {
            options = options.read_until(tag);
        }
        let ceiling = alloc_cap::ceiling_for(bytes.len());
        let declared = match &as_declared {
            Ok(()) => alloc_cap::capped(ceiling, || options.from_reader(rest)).map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        return match declared {
            Ok(file) => Ok(Parsed { file, has_meta: true }),
            // Some writers declare explicit VR and write implicit VR (pydicom and GDCM read
            // such files): the meta group, then the data set as implicit VR.
            // Only for a declared explicit VR little endian, and a file walked whole:
            // fuzzing found other files where dicom-rs's implicit reading and the walk
            // part ways, and it then allocates what the walk never saw.
            Err(e) => (lengths::declared_syntax(&rest[4..]).as_deref() == Some("1.2.840.10008.1.2.1")
                && as_implicit == Ok(true))
            .then(|| alloc_cap::capped(ceiling, || implicit_after_meta(rest)))
            .flatten()
            .ok_or_else(|| bad(&e)),
        };
    }
    // A bare data set: its first element's group (0x0008 for most) tells us it is one;
    // two ASCII letters after the tag mean explicit VR.
    if bytes.len() < 8 || u16::from_le_bytes([bytes[0], bytes[1]]) > 0x0100 {
        return Err(Failure::new(
            Code::InvalidData,
            format!("{what}: not a DICOM file (no 'DICM' marker and no data set at the start)"),
        ));
    }
    let explicit = bytes[4].is_ascii_uppercase() && bytes[5].is_ascii_uppercase();
    let ts = if explicit { EXPLICIT_VR_LITTLE_ENDIAN.erased() } else { IMPLICIT_VR_LITTLE_ENDIAN.erased() };
    let encoding = if explicit { Encoding::ExplicitLittle } else { Encoding::ImplicitLittle };
    // (dicom-rs reads a bare data set whole: no `until` here.)
    lengths::check_data_set(bytes, encoding, None).map_err(|e| bad(&e))?;
    let dataset =
        alloc_cap::capped(alloc_cap::ceiling_for(bytes.len()), || InMemDicomObject::read_dataset_with_ts(bytes, &ts))
            .map_err(|e| bad(&e))?;
    let text = |tag| dataset.get(tag).and_then(|e| e.to_str().ok()).map(|s| s.trim_end_matches('\0').to_string());
    let meta = FileMetaTableBuilder::new()
        .transfer_syntax(ts.uid())
        .media_storage_sop_class_uid(text(tags::SOP_CLASS_UID).unwrap_or_else(|| "1.2.840.10008.5.1.4.1.1.7".into()))
        .media_storage_sop_instance_uid(text(tags::SOP_INSTANCE_UID).unwrap_or_else(|| "2.25.0".into()))
        .build()
        .map_err(|e| bad(&e))?;
    Ok(Parsed { file: dataset.with_exact_meta(meta), has_meta: false })
}

/// The meta group read as written, the data set after it as implicit VR little endian.
fn implicit_after_meta(mut rest: &[u8]) -> Option<Parsed> {
    let meta = FileMetaTable::from_reader(&mut rest).ok()?;
    let ts = IMPLICIT_VR_LITTLE_ENDIAN.erased();
    let dataset = InMemDicomObject::read_dataset_with_ts(rest, &ts).ok()?;
    Some(Parsed { file: dataset.with_exact_meta(meta), has_meta: true })
}
