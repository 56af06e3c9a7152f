//! Which export a file came from: the id an exported workbook carries in its document
//! properties (custom property "Rollcall Export ID", or the keyword `rollcall-export:ID`), or
//! the id in an export's file name (`students-{school}-{id}.csv`, also after a spreadsheet
//! program or a browser renamed it `… (1).csv`).

use std::io::{Cursor, Read};

use crate::rules::guid::is_guid;

/// The custom document property of an exported workbook that names its export.
pub const EXPORT_ID_PROPERTY: &str = "Rollcall Export ID";

/// The most of a document-properties part that is read.
const MAX_PART: u64 = 256 * 1024;

/// The export id the file carries (lower case), from the workbook's properties first, then
/// from its name; `None` when neither holds one.
pub fn export_id(bytes: &[u8], file_name: Option<&str>) -> Option<String> {
    workbook_property(bytes).or_else(|| file_name.and_then(id_in_name))
}

/// The last GUID in a file name.
pub fn id_in_name(name: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    (0..chars.len())
        .rev()
        .filter_map(|start| {
            let from = chars[start].0;
            let candidate = name.get(from..from + 36)?;
            is_guid(candidate).then(|| candidate.to_ascii_lowercase())
        })
        .next()
}

fn workbook_property(bytes: &[u8]) -> Option<String> {
    if !bytes.starts_with(b"PK") {
        return None;
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let custom = read_part(&mut archive, "docProps/custom.xml")
        .and_then(|xml| custom_property(&xml, EXPORT_ID_PROPERTY));
    custom.or_else(|| {
        let core = read_part(&mut archive, "docProps/core.xml")?;
        let at = core.find("rollcall-export:")? + "rollcall-export:".len();
        let id = core.get(at..at + 36)?;
        is_guid(id).then(|| id.to_ascii_lowercase())
    })
}

/// A part's text, at most [`MAX_PART`] bytes of it unpacked.
fn read_part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let index = archive.index_for_name(name)?;
    let part = archive.by_index_raw(index).ok()?;
    let mut text = String::new();
    let read = match part.compression() {
        zip::CompressionMethod::Stored => part.take(MAX_PART).read_to_string(&mut text),
        zip::CompressionMethod::Deflated => flate2::read::DeflateDecoder::new(part)
            .take(MAX_PART)
            .read_to_string(&mut text),
        _ => return None,
    };
    read.ok().map(|_| text)
}

/// The text value of the custom property `name` in docProps/custom.xml.
fn custom_property(xml: &str, name: &str) -> Option<String> {
    let quoted = [format!("name=\"{name}\""), format!("name='{name}'")];
    let at = quoted.iter().find_map(|q| xml.find(q.as_str()))?;
    let rest = &xml[at..];
    let end = rest.find("</property>").unwrap_or(rest.len());
    let property = &rest[..end];
    let open = property.find("lpwstr>")? + "lpwstr>".len();
    let value = &property[open..];
    let value = value[..value.find('<')?].trim();
    is_guid(value).then(|| value.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    #[test]
    fn the_name_of_an_export_names_it_even_after_renaming() {
        let named = |name: &str| export_id(b"a,b\n", Some(name));
        assert_eq!(
            named(&format!("students-lincoln-{ID}.csv")).as_deref(),
            Some(ID)
        );
        assert_eq!(
            named(&format!("students-lincoln-{ID} (1).csv")).as_deref(),
            Some(ID)
        );
        let upper = ID.to_ascii_uppercase();
        assert_eq!(
            named(&format!("Copy of students-x-{upper}.csv")).as_deref(),
            Some(ID)
        );
        assert_eq!(named("students-lincoln.csv"), None);
        assert_eq!(named("0f8fad5b-d9cb-469f-a165-70867728950.csv"), None);
        assert_eq!(named("ñandú-ü.csv"), None);
        assert_eq!(export_id(b"", None), None);
    }

    fn workbook(properties: rust_xlsxwriter::DocProperties) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook.set_properties(&properties);
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "Student GUID").expect("write");
        workbook.save_to_buffer().expect("xlsx")
    }

    #[test]
    fn a_workbook_names_its_export_in_its_properties_before_its_name() {
        let bytes = workbook(
            rust_xlsxwriter::DocProperties::new().set_custom_property(EXPORT_ID_PROPERTY, ID),
        );
        let other = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
        let name = format!("students-x-{other}.xlsx");
        assert_eq!(export_id(&bytes, Some(&name)).as_deref(), Some(ID));
        assert_eq!(export_id(&bytes, Some("renamed.xlsx")).as_deref(), Some(ID));

        let keywords = workbook(
            rust_xlsxwriter::DocProperties::new().set_keywords(format!("rollcall-export:{ID}")),
        );
        assert_eq!(export_id(&keywords, None).as_deref(), Some(ID));

        let plain = workbook(rust_xlsxwriter::DocProperties::new());
        assert_eq!(export_id(&plain, Some(&name)).as_deref(), Some(other));
        assert_eq!(export_id(&plain, None), None);
    }

    #[test]
    fn damaged_or_odd_properties_name_nothing() {
        let bad = workbook(
            rust_xlsxwriter::DocProperties::new().set_custom_property(EXPORT_ID_PROPERTY, "x<y"),
        );
        assert_eq!(export_id(&bad, None), None);
        assert_eq!(export_id(b"PK\x03\x04garbage", None), None);
        assert_eq!(
            custom_property("<property name=\"Rollcall Export ID\">", EXPORT_ID_PROPERTY),
            None
        );
    }
}
