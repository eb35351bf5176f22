//! structured-report-to-text: a DICOM SR document as dcmtk's dsr2text prints it (what
//! ITK-Wasm's structured-report-to-text runs): the document header, then the content
//! tree, one item per line (`<relationship VALUE-TYPE:(concept)=value>`).

use crate::attrs::{item, text};
use crate::open::parse;
use crate::{Code, Failure};
use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;
use std::fmt::Write;

/// What to print, as dsr2text's flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub no_document_header: bool,
    pub number_nested_items: bool,
    pub print_long_values: bool,
    pub print_instance_uid: bool,
    pub print_all_codes: bool,
    pub print_template_id: bool,
}

const VALUE_TYPE: Tag = Tag(0x0040, 0xA040);
const RELATIONSHIP_TYPE: Tag = Tag(0x0040, 0xA010);
const CONCEPT_NAME: Tag = Tag(0x0040, 0xA043);
const CONCEPT_CODE: Tag = Tag(0x0040, 0xA168);
const CONTENT_SEQUENCE: Tag = Tag(0x0040, 0xA730);
const CONTINUITY: Tag = Tag(0x0040, 0xA050);
const TEXT_VALUE: Tag = Tag(0x0040, 0xA160);
const MEASURED_VALUE: Tag = Tag(0x0040, 0xA300);
const NUMERIC_VALUE: Tag = Tag(0x0040, 0xA30A);
const UNITS: Tag = Tag(0x0040, 0x08EA);
const DATE_TIME: Tag = Tag(0x0040, 0xA120);
const DATE: Tag = Tag(0x0040, 0xA121);
const TIME: Tag = Tag(0x0040, 0xA122);
const PERSON_NAME: Tag = Tag(0x0040, 0xA123);
const UID: Tag = Tag(0x0040, 0xA124);
const OBSERVATION_DATE_TIME: Tag = Tag(0x0040, 0xA032);
const REFERENCED_CONTENT_ITEM: Tag = Tag(0x0040, 0xDB73);
const REFERENCED_SOP: Tag = Tag(0x0008, 0x1199);
const REFERENCED_FRAMES: Tag = Tag(0x0008, 0x1160);
const GRAPHIC_TYPE: Tag = Tag(0x0070, 0x0023);
const GRAPHIC_DATA: Tag = Tag(0x0070, 0x0022);
const TEMPORAL_RANGE_TYPE: Tag = Tag(0x0040, 0xA130);
const SAMPLE_POSITIONS: Tag = Tag(0x0040, 0xA132);
const TIME_OFFSETS: Tag = Tag(0x0040, 0xA138);
const TEMPLATE_SEQUENCE: Tag = Tag(0x0040, 0xA504);
const TEMPLATE_IDENTIFIER: Tag = Tag(0x0040, 0xDB00);
const MAPPING_RESOURCE: Tag = Tag(0x0008, 0x0105);
const COMPLETION_FLAG: Tag = Tag(0x0040, 0xA491);
const VERIFICATION_FLAG: Tag = Tag(0x0040, 0xA493);

/// dcmtk's names of the SR document types, by SOP class.
fn document_type(class: &str) -> Option<&'static str> {
    Some(match class {
        "1.2.840.10008.5.1.4.1.1.88.11" => "Basic Text SR",
        "1.2.840.10008.5.1.4.1.1.88.22" => "Enhanced SR",
        "1.2.840.10008.5.1.4.1.1.88.33" => "Comprehensive SR",
        "1.2.840.10008.5.1.4.1.1.88.34" => "Comprehensive 3D SR",
        "1.2.840.10008.5.1.4.1.1.88.35" => "Extensible SR",
        "1.2.840.10008.5.1.4.1.1.88.40" => "Procedure Log",
        "1.2.840.10008.5.1.4.1.1.88.50" => "Mammography CAD SR",
        "1.2.840.10008.5.1.4.1.1.88.59" => "Key Object Selection Document",
        "1.2.840.10008.5.1.4.1.1.88.65" => "Chest CAD SR",
        "1.2.840.10008.5.1.4.1.1.88.67" => "X-Ray Radiation Dose SR",
        "1.2.840.10008.5.1.4.1.1.88.68" => "Radiopharmaceutical Radiation Dose SR",
        "1.2.840.10008.5.1.4.1.1.88.69" => "Colon CAD SR",
        "1.2.840.10008.5.1.4.1.1.88.70" => "Implantation Plan SR",
        "1.2.840.10008.5.1.4.1.1.88.71" => "Acquisition Context SR",
        "1.2.840.10008.5.1.4.1.1.88.72" => "Simplified Adult Echo SR",
        "1.2.840.10008.5.1.4.1.1.88.73" => "Patient Radiation Dose SR",
        "1.2.840.10008.5.1.4.1.1.88.74" => "Planned Imaging Agent Administration SR",
        "1.2.840.10008.5.1.4.1.1.88.75" => "Performed Imaging Agent Administration SR",
        "1.2.840.10008.5.1.4.1.1.88.76" => "Enhanced X-Ray Radiation Dose SR",
        _ => return None,
    })
}

/// dcmtk's short names of referenced SOP classes (others print as their quoted UID).
fn sop_class_short(class: &str) -> String {
    let name = match class {
        "1.2.840.10008.5.1.4.1.1.1" => "CR image",
        "1.2.840.10008.5.1.4.1.1.2" => "CT image",
        "1.2.840.10008.5.1.4.1.1.2.1" => "Enhanced CT image",
        "1.2.840.10008.5.1.4.1.1.4" => "MR image",
        "1.2.840.10008.5.1.4.1.1.4.1" => "Enhanced MR image",
        "1.2.840.10008.5.1.4.1.1.6.1" => "US image",
        "1.2.840.10008.5.1.4.1.1.3.1" => "US multi-frame image",
        "1.2.840.10008.5.1.4.1.1.7" => "SC image",
        "1.2.840.10008.5.1.4.1.1.20" => "NM image",
        "1.2.840.10008.5.1.4.1.1.128" => "PET image",
        "1.2.840.10008.5.1.4.1.1.12.1" => "X-ray angiographic image",
        "1.2.840.10008.5.1.4.1.1.1.2" => "Digital mammography X-ray image",
        "1.2.840.10008.5.1.4.1.1.11.1" => "GSPS",
        "1.2.840.10008.5.1.4.1.1.88.11" => "BasicTextSRStorage",
        "1.2.840.10008.5.1.4.1.1.88.22" => "EnhancedSRStorage",
        "1.2.840.10008.5.1.4.1.1.88.33" => "ComprehensiveSRStorage",
        "1.2.840.10008.5.1.4.1.1.9.2.1" => "HemodynamicWaveformStorage",
        "1.2.840.10008.5.1.4.1.1.9.1.1" => "TwelveLeadECGWaveformStorage",
        // dcmtk quotes the UIDs it has no name for.
        _ => return format!("\"{class}\""),
    };
    name.to_string()
}

/// DICOM DA/TM/DT as dcmtk prints them: 2001-02-13, 18:47:46, 2001-02-13 18:47:46.
fn date(v: &str) -> String {
    if v.len() >= 8 && v[..8].bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &v[..4], &v[4..6], &v[6..8])
    } else {
        v.to_string()
    }
}

fn time(v: &str) -> String {
    let v = v.split('.').next().unwrap_or(v);
    match v.len() {
        6.. => format!("{}:{}:{}", &v[..2], &v[2..4], &v[4..6]),
        4 => format!("{}:{}", &v[..2], &v[2..4]),
        _ => v.to_string(),
    }
}

fn date_time(v: &str) -> String {
    if v.len() >= 14 {
        format!("{} {}", date(&v[..8]), time(&v[8..]))
    } else {
        date(v)
    }
}

/// A text value in quotes, control characters escaped; with `shorten`, values over 30
/// characters cut to 27 and "..." (dcmtk's default).
fn quoted(v: &str, shorten: bool) -> String {
    let chars: Vec<char> = v.chars().collect();
    let cut: String =
        if shorten && chars.len() > 30 { chars[..27].iter().collect::<String>() + "..." } else { v.to_string() };
    let mut out = String::from("\"");
    for c in cut.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A code: `(value,scheme,"meaning")`; a concept name without its code unless asked.
fn code(item: Option<&InMemDicomObject>, full: bool) -> String {
    let Some(c) = item else { return String::new() };
    let t = |tag| text(c, tag).unwrap_or_default();
    let value = text(c, tags::CODE_VALUE)
        .or_else(|| text(c, Tag(0x0008, 0x0119)))
        .or_else(|| text(c, Tag(0x0008, 0x0120)))
        .unwrap_or_default();
    if full {
        format!("({value},{},\"{}\")", t(tags::CODING_SCHEME_DESIGNATOR), t(tags::CODE_MEANING))
    } else {
        format!("(,,\"{}\")", t(tags::CODE_MEANING))
    }
}

fn floats(obj: &InMemDicomObject, tag: Tag) -> Vec<f64> {
    obj.get(tag).and_then(|e| e.to_multi_float64().ok()).unwrap_or_default()
}

fn number(v: f64) -> String {
    format!("{v}")
}

/// The value of a content item, after `=`.
fn value(o: &InMemDicomObject, vt: &str, opts: &Options) -> String {
    let t = |tag| text(o, tag).unwrap_or_default();
    let reference = |o: &InMemDicomObject| -> String {
        let Some(r) = item(o, REFERENCED_SOP) else { return String::new() };
        let class = sop_class_short(&text(r, tags::REFERENCED_SOP_CLASS_UID).unwrap_or_default());
        let uid = if opts.print_instance_uid {
            text(r, tags::REFERENCED_SOP_INSTANCE_UID).unwrap_or_default()
        } else {
            String::new()
        };
        let mut s = format!("({class},{uid}");
        let frames = r.get(REFERENCED_FRAMES).and_then(|e| e.to_multi_int::<i64>().ok()).unwrap_or_default();
        if let Some(first) = frames.first() {
            let _ = write!(s, ",{first}");
            if frames.len() > 1 {
                s.push_str(",...");
            }
        }
        s.push(')');
        if let Some(ps) = item(r, REFERENCED_SOP) {
            let class = sop_class_short(&text(ps, tags::REFERENCED_SOP_CLASS_UID).unwrap_or_default());
            let _ = write!(s, ",({class},)");
        }
        s
    };
    match vt {
        "CONTAINER" => t(CONTINUITY),
        "TEXT" => quoted(&t(TEXT_VALUE), !opts.print_long_values),
        "CODE" => code(item(o, CONCEPT_CODE), true),
        "NUM" => match item(o, MEASURED_VALUE) {
            Some(m) => {
                format!("{} {}", quoted(&text(m, NUMERIC_VALUE).unwrap_or_default(), false), code(item(m, UNITS), true))
            }
            None => "empty".into(),
        },
        "DATETIME" => quoted(&t(DATE_TIME), false),
        "DATE" => quoted(&t(DATE), false),
        "TIME" => quoted(&t(TIME), false),
        "PNAME" => quoted(&t(PERSON_NAME), false),
        "UIDREF" => quoted(&t(UID), false),
        "IMAGE" | "COMPOSITE" => reference(o),
        "WAVEFORM" => {
            let Some(r) = item(o, REFERENCED_SOP) else { return String::new() };
            let class = sop_class_short(&text(r, tags::REFERENCED_SOP_CLASS_UID).unwrap_or_default());
            let channels = r.get(Tag(0x0040, 0xA0B0)).and_then(|e| e.to_multi_int::<i64>().ok()).unwrap_or_default();
            let mut s = format!("({class},");
            if channels.len() >= 2 {
                let _ = write!(s, ",{}/{}", channels[0], channels[1]);
                if channels.len() > 2 {
                    s.push_str(",...");
                }
            }
            s + ")"
        }
        "SCOORD" | "SCOORD3D" => {
            let data = floats(o, GRAPHIC_DATA);
            let step = if vt == "SCOORD3D" { 3 } else { 2 };
            let mut s = format!("({}", t(GRAPHIC_TYPE));
            if data.len() >= step {
                let point: Vec<String> = data[..step].iter().map(|v| number(*v)).collect();
                let _ = write!(s, ",{}", point.join("/"));
                if data.len() > step {
                    s.push_str(",...");
                }
            }
            s + ")"
        }
        "TCOORD" => {
            let mut s = format!("({}", t(TEMPORAL_RANGE_TYPE));
            let samples = o.get(SAMPLE_POSITIONS).and_then(|e| e.to_multi_int::<i64>().ok()).unwrap_or_default();
            let offsets = floats(o, TIME_OFFSETS);
            let list: Vec<String> = if !samples.is_empty() {
                samples.iter().map(|v| v.to_string()).collect()
            } else {
                offsets.iter().map(|v| number(*v)).collect()
            };
            if let Some(first) = list.first() {
                let _ = write!(s, ",{first}");
                if list.len() > 1 {
                    s.push_str(",...");
                }
            }
            s + ")"
        }
        _ => String::new(),
    }
}

fn print_items(out: &mut String, items: &[InMemDicomObject], position: &str, depth: usize, opts: &Options) {
    for (i, o) in items.iter().enumerate() {
        let pos = if position.is_empty() { format!("{}", i + 1) } else { format!("{position}.{}", i + 1) };
        print_item(out, o, &pos, depth, opts);
    }
}

fn print_item(out: &mut String, o: &InMemDicomObject, position: &str, depth: usize, opts: &Options) {
    if opts.number_nested_items {
        let _ = write!(out, "{position}  ");
    } else {
        out.push_str(&"  ".repeat(depth));
    }
    let relationship = text(o, RELATIONSHIP_TYPE).map(|r| r.to_lowercase());
    out.push('<');
    if let Some(r) = &relationship {
        out.push_str(r);
        out.push(' ');
    }
    // By reference: the position of the item it points to.
    if let Some(target) = o.get(REFERENCED_CONTENT_ITEM).and_then(|e| e.to_multi_int::<u32>().ok()) {
        let path: Vec<String> = target.iter().map(|v| v.to_string()).collect();
        let _ = writeln!(out, "{}>", path.join("."));
        return;
    }
    let vt = text(o, VALUE_TYPE).unwrap_or_default();
    let _ = write!(out, "{vt}:{}={}>", code(item(o, CONCEPT_NAME), opts.print_all_codes), value(o, &vt, opts));
    if let Some(when) = text(o, OBSERVATION_DATE_TIME) {
        let _ = write!(out, " {{{}}}", date_time(&when));
    }
    if opts.print_template_id {
        if let Some(t) = item(o, TEMPLATE_SEQUENCE) {
            let _ = write!(
                out,
                "  # TID {} ({})",
                text(t, TEMPLATE_IDENTIFIER).unwrap_or_default(),
                text(t, MAPPING_RESOURCE).unwrap_or_default()
            );
        }
    }
    out.push('\n');
    if let Some(children) = o.get(CONTENT_SEQUENCE).and_then(|e| e.items()) {
        print_items(out, children, position, depth + 1, opts);
    }
}

/// The SR document in `bytes` (named `name` in errors) as text.
pub fn structured_report_to_text(bytes: &[u8], name: &str, opts: Options) -> Result<String, Failure> {
    let file = parse(bytes, name, None)?.file;
    let o: &InMemDicomObject = &file;
    let class = text(o, tags::SOP_CLASS_UID).unwrap_or_default();
    if text(o, VALUE_TYPE).is_none()
        || (document_type(&class).is_none() && text(o, tags::MODALITY).as_deref() != Some("SR"))
    {
        return Err(Failure::new(
            Code::InvalidArgument,
            format!("{name}: not a DICOM Structured Report (SOP class {class}, no root content item)"),
        ));
    }
    let mut out = String::new();
    if !opts.no_document_header {
        let t = |tag| text(o, tag).unwrap_or_default();
        let kind = document_type(&class).unwrap_or("SR");
        let kind = if kind.ends_with("Document") { kind.to_string() } else { format!("{kind} Document") };
        let _ = writeln!(out, "{kind}\n");
        let mut line = |label: &str, v: String| {
            if !v.is_empty() {
                let _ = writeln!(out, "{label:<20}: {v}");
            }
        };
        let with = |main: String, extra: Vec<String>| {
            let extra: Vec<String> = extra.into_iter().filter(|s| !s.is_empty() && s != "#").collect();
            if extra.is_empty() {
                main
            } else {
                format!("{main} ({})", extra.join(", "))
            }
        };
        if opts.print_instance_uid {
            line("SOP Instance UID", t(tags::SOP_INSTANCE_UID));
        }
        let birth = t(tags::PATIENT_BIRTH_DATE);
        line(
            "Patient",
            with(
                t(tags::PATIENT_NAME),
                vec![
                    t(tags::PATIENT_SEX),
                    if birth.is_empty() { birth } else { date(&birth) },
                    format!("#{}", t(tags::PATIENT_ID)),
                ],
            ),
        );
        line("Referring Physician", t(tags::REFERRING_PHYSICIAN_NAME));
        line("Study", with(t(tags::STUDY_DESCRIPTION), vec![format!("#{}", t(tags::STUDY_ID))]));
        line("Series", with(t(tags::SERIES_DESCRIPTION), vec![format!("#{}", t(tags::SERIES_NUMBER))]));
        line(
            "Manufacturer",
            with(
                t(tags::MANUFACTURER),
                vec![t(tags::MANUFACTURER_MODEL_NAME), format!("#{}", t(tags::DEVICE_SERIAL_NUMBER))],
            ),
        );
        line("Completion Flag", t(COMPLETION_FLAG));
        line("Verification Flag", t(VERIFICATION_FLAG));
        let (d, tm) = (t(tags::CONTENT_DATE), t(tags::CONTENT_TIME));
        line(
            "Content Date/Time",
            if d.is_empty() { d } else { format!("{} {}", date(&d), time(&tm)).trim_end().to_string() },
        );
        out.push('\n');
    }
    print_item(&mut out, o, "1", 0, &opts);
    out.push('\n');
    Ok(out)
}
