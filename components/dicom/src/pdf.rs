//! read-dicom-encapsulated-pdf: the document inside an Encapsulated PDF instance.

use crate::attrs::{int, text};
use crate::open::parse;
use crate::{Code, Failure};
use dicom_core::Tag;
use dicom_dictionary_std::tags;

const ENCAPSULATED_PDF_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.104.1";
const ENCAPSULATED_DOCUMENT: Tag = Tag(0x0042, 0x0011);
const ENCAPSULATED_DOCUMENT_LENGTH: Tag = Tag(0x0042, 0x0015);

/// The PDF in the DICOM file `bytes` (named `name` in errors).
pub fn read_encapsulated_pdf(bytes: &[u8], name: &str) -> Result<Vec<u8>, Failure> {
    let file = parse(bytes, name, None)?.file;
    let class = text(&file, tags::SOP_CLASS_UID).unwrap_or_default();
    let mime = text(&file, tags::MIME_TYPE_OF_ENCAPSULATED_DOCUMENT).unwrap_or_default();
    if class != ENCAPSULATED_PDF_STORAGE && mime != "application/pdf" {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!("{name}: not an Encapsulated PDF (SOP class {class}, MIME type '{mime}')"),
        ));
    }
    let element = file.get(ENCAPSULATED_DOCUMENT).ok_or_else(|| {
        Failure::new(Code::InvalidData, format!("{name}: the Encapsulated Document (0042,0011) is missing"))
    })?;
    let mut document = element
        .to_bytes()
        .map_err(|e| Failure::new(Code::InvalidData, format!("{name}: Encapsulated Document: {e}")))?
        .into_owned();
    // Values are padded to an even length; the length attribute says what is the document's.
    if let Some(len) = int(&file, ENCAPSULATED_DOCUMENT_LENGTH).filter(|l| *l >= 0) {
        if (len as usize) <= document.len() {
            document.truncate(len as usize);
        }
    }
    Ok(document)
}
