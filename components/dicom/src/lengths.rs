//! Declared lengths checked before dicom-rs sees a file: dicom-rs allocates (and zeroes) a
//! value's declared length before reading it, so an 8-byte file declaring a 2.6 GB value
//! costs 2.6 GB and seconds (found by fuzzing). This walks the element headers (the meta
//! group, then the data set in its transfer syntax, into sequences and items, over
//! encapsulated fragments) and rejects a defined length that runs past the end of what
//! holds it. A deflated data set is inflated first (up to what parsing it may allocate,
//! `alloc_cap::ceiling_for`) and walked as explicit VR little endian: its lengths are
//! declared in the inflated bytes (a 12 KB deflated file declaring a 1.2 GB string was
//! found by fuzzing). Anything it cannot follow (an undefined-length UN, an unknown
//! syntax) ends the walk without a verdict: dicom-rs decides as before.

use dicom_core::dictionary::DataDictionary;
use dicom_core::{Tag, VR};
use dicom_dictionary_std::StandardDataDictionary;

const UNDEFINED: u32 = 0xFFFF_FFFF;
const ITEM: Tag = Tag(0xFFFE, 0xE000);
const ITEM_END: Tag = Tag(0xFFFE, 0xE00D);
const SEQUENCE_END: Tag = Tag(0xFFFE, 0xE0DD);
const TRANSFER_SYNTAX: Tag = Tag(0x0002, 0x0010);

/// How a data set is encoded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Encoding {
    ExplicitLittle,
    ImplicitLittle,
    ExplicitBig,
    /// Deflated explicit VR little endian: inflated, then walked.
    Deflated,
    /// Unknown: not walked.
    Opaque,
}

impl Encoding {
    /// The encoding of a transfer syntax UID.
    pub fn of(uid: &str) -> Encoding {
        match uid.trim_end_matches(['\0', ' ']) {
            "1.2.840.10008.1.2" => Encoding::ImplicitLittle,
            "1.2.840.10008.1.2.2" => Encoding::ExplicitBig,
            "1.2.840.10008.1.2.1.99" => Encoding::Deflated,
            _ => Encoding::ExplicitLittle,
        }
    }
}

/// Check a file that starts with its meta group (after "DICM"): the group in explicit VR
/// little endian, the rest as its transfer syntax says, or as `data_set` when given (the
/// implicit-after-explicit-meta fallback). Stops at the top-level tag `until`.
pub fn check_with_meta(bytes: &[u8], data_set: Option<Encoding>, until: Option<Tag>) -> Result<(), String> {
    walk_with_meta(bytes, data_set, until).map(|_| ())
}

/// The transfer syntax the meta group names (after "DICM"), if it can be walked.
pub fn declared_syntax(bytes: &[u8]) -> Option<String> {
    let mut w =
        Walk { bytes, at: 0, encoding: Encoding::ExplicitLittle, syntax: None, reached_until: false, stuck: false };
    w.meta().ok().filter(|&whole| whole)?;
    w.syntax.map(|s| s.trim_end_matches(['\0', ' ']).to_string())
}

/// [`check_with_meta`], and whether the walk followed the whole file (to its end, or to
/// `until`) rather than stopping where it could not follow. A fallback reading (implicit
/// VR after an explicit meta group) is only tried on a file walked whole: on one that is
/// not, dicom-rs could still declare gigabytes where the walk stopped (found by fuzzing).
pub fn walk_with_meta(bytes: &[u8], data_set: Option<Encoding>, until: Option<Tag>) -> Result<bool, String> {
    let mut w =
        Walk { bytes, at: 0, encoding: Encoding::ExplicitLittle, syntax: None, reached_until: false, stuck: false };
    if !w.meta()? {
        return Ok(false);
    }
    w.encoding = data_set.or(w.syntax.as_deref().map(Encoding::of)).unwrap_or(Encoding::ExplicitLittle);
    if w.encoding == Encoding::Deflated {
        let inflated = inflate(&bytes[w.at..], crate::alloc_cap::ceiling_for(bytes.len()))?;
        return check_data_set(&inflated, Encoding::ExplicitLittle, until).map(|()| false);
    }
    w.data_set(bytes.len(), until, 0)?;
    Ok(!w.stuck && (w.at >= bytes.len() || w.reached_until))
}

/// A raw deflate stream (as DICOM's deflated syntax has it, and dicom-rs reads it),
/// inflated; more than `limit` bytes is an error.
fn inflate(deflated: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(deflated)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("the deflated data set does not inflate: {e}"))?;
    if out.len() > limit {
        return Err(format!("the deflated data set inflates past {limit} bytes"));
    }
    Ok(out)
}

/// Check a bare data set (no meta group) in `encoding`.
pub fn check_data_set(bytes: &[u8], encoding: Encoding, until: Option<Tag>) -> Result<(), String> {
    Walk { bytes, at: 0, encoding, syntax: None, reached_until: false, stuck: false }.data_set(bytes.len(), until, 0)
}

struct Walk<'a> {
    bytes: &'a [u8],
    at: usize,
    encoding: Encoding,
    /// The transfer syntax UID, once the meta group named it.
    syntax: Option<String>,
    /// Whether the walk stopped at the top-level tag it was to stop at.
    reached_until: bool,
    /// Whether it met anything it could not follow (and went on after it, or stopped).
    stuck: bool,
}

/// Nesting deeper than this is left to dicom-rs (which has its own limits).
const MAX_DEPTH: usize = 64;

impl Walk<'_> {
    fn u16_at(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.bytes.get(at..at + 2)?.try_into().ok()?;
        Some(if self.encoding == Encoding::ExplicitBig { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if self.encoding == Encoding::ExplicitBig { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    }

    fn peek_group(&self) -> Option<u16> {
        // The meta group is always little endian.
        self.bytes.get(self.at..self.at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    /// Elements until `end` (or a top-level `until`, or an item delimiter).
    fn data_set(&mut self, end: usize, until: Option<Tag>, depth: usize) -> Result<(), String> {
        if matches!(self.encoding, Encoding::Opaque | Encoding::Deflated) || depth > MAX_DEPTH {
            self.stuck = true;
            return Ok(());
        }
        while self.at < end {
            let Some(tag) = self.tag() else {
                self.stuck = true;
                return Ok(());
            };
            if depth == 0 && until.is_some_and(|u| tag >= u) {
                // dicom-rs reads the header and value of an element past `until` before it
                // stops (a 4 GB value there was found by fuzzing), so that one is checked;
                // `until` itself (Pixel Data) may lie past the bytes given.
                if until != Some(tag) {
                    self.element(end, depth)?;
                }
                self.reached_until = true;
                return Ok(());
            }
            if tag == ITEM_END {
                self.at += 8;
                return Ok(());
            }
            if !self.element(end, depth)? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The meta group; `Ok(false)` where the walk cannot go on.
    fn meta(&mut self) -> Result<bool, String> {
        // dicom-rs reads the meta group as its group length (0002,0000) says: whole elements
        // until that many bytes are read, wherever group 0002 itself ends. The data set starts
        // where it stops (walking by the group number instead put the walk out of step with
        // dicom-rs on a file whose group length lies: found by fuzzing).
        let group_length =
            (self.tag() == Some(Tag(0x0002, 0x0000)) && self.u16_at(6) == Some(4)).then(|| self.u32_at(8)).flatten();
        if let Some(length) = group_length {
            self.at = 12;
            while self.at - 12 < length as usize {
                if self.at >= self.bytes.len() || !self.element(self.bytes.len(), 0)? {
                    return Ok(false);
                }
            }
        } else {
            while self.at < self.bytes.len() && self.peek_group() == Some(0x0002) {
                if !self.element(self.bytes.len(), 0)? {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// The walk cannot go on here (a truncated header, an encoding it does not follow).
    fn stop(&mut self) -> Result<bool, String> {
        self.stuck = true;
        Ok(false)
    }

    fn tag(&self) -> Option<Tag> {
        Some(Tag(self.u16_at(self.at)?, self.u16_at(self.at + 2)?))
    }

    /// One element at `self.at`, inside a container ending at `end`. `Ok(false)`: the walk
    /// cannot go on (truncated header, an encoding it does not follow), without a verdict.
    fn element(&mut self, end: usize, depth: usize) -> Result<bool, String> {
        let start = self.at;
        let Some(tag) = self.tag() else { return self.stop() };
        // An item or delimiter where an element belongs: dicom-rs may read into it where
        // this walk would skip it (found by fuzzing), so the walk stops without a verdict.
        if tag.group() == 0xFFFE {
            return self.stop();
        }
        let (vr, len, header) = match self.encoding {
            Encoding::ImplicitLittle => {
                let Some(len) = self.u32_at(start + 4) else { return self.stop() };
                let vr = StandardDataDictionary.by_tag(tag).map(|e| e.vr.relaxed()).unwrap_or(VR::UN);
                (vr, len, 8)
            }
            _ => {
                let Some(code) = self.bytes.get(start + 4..start + 6) else { return self.stop() };
                // An unknown VR code is read as UN (4-byte length), as dicom-rs does.
                let vr = VR::from_binary([code[0], code[1]]).unwrap_or(VR::UN);
                let long = matches!(
                    vr,
                    VR::OB
                        | VR::OD
                        | VR::OF
                        | VR::OL
                        | VR::OV
                        | VR::OW
                        | VR::SQ
                        | VR::UC
                        | VR::UN
                        | VR::UR
                        | VR::UT
                        | VR::SV
                        | VR::UV
                );
                let len = if long { self.u32_at(start + 8) } else { self.u16_at(start + 6).map(u32::from) };
                let Some(len) = len else { return self.stop() };
                (vr, len, if long { 12 } else { 8 })
            }
        };
        self.at = start + header;
        if len == UNDEFINED {
            return match vr {
                VR::SQ => self.items(depth).map(|()| true),
                // Encapsulated pixel data: fragments (items of raw bytes) up to a delimiter.
                VR::OB | VR::OW if self.encoding != Encoding::ImplicitLittle => self.fragments(),
                // Another undefined length (an implicit-VR UN sequence, say): not followed.
                _ => self.stop(),
            };
        }
        let value_end = self.fits(tag, len, end)?;
        // dicom-rs reads a binary value as whole numbers and goes on where they end, so a
        // length that is not a multiple of the value's size puts it out of step with the
        // file (and its next "length" anywhere); the standard forbids such lengths.
        let size = match vr {
            VR::US | VR::SS | VR::OW => 2,
            VR::UL | VR::SL | VR::FL | VR::AT | VR::OL | VR::OF => 4,
            VR::FD | VR::OD | VR::SV | VR::UV | VR::OV => 8,
            _ => 1,
        };
        if len % size != 0 {
            return Err(format!(
                "element ({:04X},{:04X}) at byte {} declares {len} bytes, not a whole number of {size}-byte {vr:?} values",
                tag.group(),
                tag.element(),
                self.at
            ));
        }
        if vr == VR::SQ {
            self.sequence(value_end, depth)?;
        } else if tag == TRANSFER_SYNTAX {
            self.syntax = Some(String::from_utf8_lossy(&self.bytes[self.at..value_end]).into_owned());
        }
        self.at = value_end;
        Ok(true)
    }

    /// Where a value of `len` bytes at `self.at` ends, if it ends before `end`.
    fn fits(&self, tag: Tag, len: u32, end: usize) -> Result<usize, String> {
        let value_end = self.at.checked_add(len as usize).filter(|&e| e <= end);
        value_end.ok_or_else(|| {
            format!(
                "element ({:04X},{:04X}) at byte {} declares {len} bytes, but only {} follow",
                tag.group(),
                tag.element(),
                self.at,
                end.saturating_sub(self.at)
            )
        })
    }

    /// Items of a defined-length sequence ending at `end`.
    fn sequence(&mut self, end: usize, depth: usize) -> Result<(), String> {
        while self.at < end {
            if !self.item(end, depth)? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Items of an undefined-length sequence, up to its delimiter.
    fn items(&mut self, depth: usize) -> Result<(), String> {
        loop {
            match self.tag() {
                Some(SEQUENCE_END) => {
                    self.at += 8;
                    return Ok(());
                }
                Some(ITEM) => {
                    if !self.item(self.bytes.len(), depth)? {
                        return Ok(());
                    }
                }
                _ => {
                    self.stuck = true;
                    return Ok(());
                }
            }
        }
    }

    /// One item (a nested data set), defined or undefined length, inside `end`.
    fn item(&mut self, end: usize, depth: usize) -> Result<bool, String> {
        if self.tag() != Some(ITEM) {
            return self.stop();
        }
        let Some(len) = self.u32_at(self.at + 4) else { return self.stop() };
        self.at += 8;
        if len == UNDEFINED {
            self.data_set(end, None, depth + 1)?;
        } else {
            let item_end = self.fits(ITEM, len, end)?;
            self.data_set(item_end, None, depth + 1)?;
            self.at = item_end;
        }
        Ok(true)
    }

    /// Encapsulated fragments: each item's length within the file, up to the delimiter.
    fn fragments(&mut self) -> Result<bool, String> {
        loop {
            match self.tag() {
                Some(SEQUENCE_END) => {
                    self.at += 8;
                    return Ok(true);
                }
                Some(ITEM) => {
                    let Some(len) = self.u32_at(self.at + 4) else { return self.stop() };
                    self.at += 8;
                    self.at = self.fits(ITEM, len, self.bytes.len())?;
                }
                _ => return self.stop(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An explicit VR little endian element.
    fn el(group: u16, element: u16, vr: &[u8; 2], value: &[u8], declared: Option<u32>) -> Vec<u8> {
        let mut out = [group.to_le_bytes(), element.to_le_bytes()].concat();
        out.extend_from_slice(vr);
        let len = declared.unwrap_or(value.len() as u32);
        if matches!(vr, b"OB" | b"OW" | b"SQ" | b"UN" | b"UT") {
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&len.to_le_bytes());
        } else {
            out.extend_from_slice(&(len as u16).to_le_bytes());
        }
        out.extend_from_slice(value);
        out
    }

    #[test]
    fn lengths_past_the_end_are_refused_anywhere() {
        let good = [el(0x0008, 0x0060, b"CS", b"CT", None), el(0x0010, 0x0010, b"PN", b"Doe^J ", None)].concat();
        assert_eq!(check_data_set(&good, Encoding::ExplicitLittle, None), Ok(()));
        let huge =
            [el(0x0008, 0x0060, b"CS", b"CT", None), el(0x0009, 0x0010, b"OB", b"xy", Some(0x9d43_0000))].concat();
        let err = check_data_set(&huge, Encoding::ExplicitLittle, None).unwrap_err();
        assert!(err.contains("(0009,0010)") && err.contains("2638413824 bytes"), "{err}");
        // Inside an item of a defined-length sequence: the item's own length bounds it.
        let inner = el(0x0008, 0x0100, b"SH", b"abcd", Some(400));
        let item = [ITEM.0.to_le_bytes(), ITEM.1.to_le_bytes()].concat();
        let item = [item, (inner.len() as u32).to_le_bytes().to_vec(), inner].concat();
        let seq = el(0x0008, 0x1115, b"SQ", &item, None);
        let err = check_data_set(&seq, Encoding::ExplicitLittle, None).unwrap_err();
        assert!(err.contains("(0008,0100)"), "{err}");
        // Stopping before the pixel data leaves a truncated one alone (tags read without it).
        let pixels = [good.clone(), el(0x7FE0, 0x0010, b"OW", b"", Some(1 << 20))].concat();
        assert!(check_data_set(&pixels, Encoding::ExplicitLittle, None).is_err());
        assert_eq!(check_data_set(&pixels, Encoding::ExplicitLittle, Some(Tag(0x7FE0, 0x0010))), Ok(()));
    }

    #[test]
    fn implicit_vr_uses_the_dictionary_for_sequences() {
        // (0008,1115) is SQ in the dictionary: its item's element is checked too.
        let mut inner = [0x0008u16.to_le_bytes(), 0x0100u16.to_le_bytes()].concat();
        inner.extend_from_slice(&1000u32.to_le_bytes());
        inner.extend_from_slice(b"abcd");
        let mut item = [ITEM.0.to_le_bytes(), ITEM.1.to_le_bytes()].concat();
        item.extend_from_slice(&(inner.len() as u32).to_le_bytes());
        item.extend_from_slice(&inner);
        let mut seq = [0x0008u16.to_le_bytes(), 0x1115u16.to_le_bytes()].concat();
        seq.extend_from_slice(&(item.len() as u32).to_le_bytes());
        seq.extend_from_slice(&item);
        let err = check_data_set(&seq, Encoding::ImplicitLittle, None).unwrap_err();
        assert!(err.contains("(0008,0100)"), "{err}");
    }
}
