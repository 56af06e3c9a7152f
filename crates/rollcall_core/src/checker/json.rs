//! The checker's results as JSON with their messages in one language: a row's state after an
//! edit ([`RowUpdate`]) and what one edit changed ([`Delta`]), as the npm package and the page
//! hand them on.

use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use super::{Delta, RowUpdate};
use crate::code::Lang;
use crate::diagnostic::{AllInLang, order_ties};

impl RowUpdate {
    /// The row's report entry and diagnostics, messages in `lang`.
    pub fn in_lang(&self, lang: Lang) -> RowUpdateInLang<'_> {
        RowUpdateInLang { update: self, lang }
    }
}

impl Delta {
    /// The edit's effect, messages in `lang`.
    pub fn in_lang(&self, lang: Lang) -> DeltaInLang<'_> {
        DeltaInLang { delta: self, lang }
    }
}

/// See [`RowUpdate::in_lang`]: the entry's fields, then `diagnostics`.
pub struct RowUpdateInLang<'a> {
    update: &'a RowUpdate,
    lang: Lang,
}

impl Serialize for RowUpdateInLang<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entry = &self.update.entry;
        let mut diagnostics: Vec<_> = self.update.diagnostics.iter().collect();
        order_ties(&mut diagnostics, self.lang);
        let mut map = serializer.serialize_map(Some(7))?;
        map.serialize_entry("row", &entry.row)?;
        map.serialize_entry("export_row", &entry.export_row)?;
        map.serialize_entry("outcome", &entry.outcome)?;
        map.serialize_entry("guid", &entry.guid)?;
        map.serialize_entry("matched_by", &entry.matched_by)?;
        map.serialize_entry("changes", &entry.changes)?;
        map.serialize_entry("diagnostics", &AllInLang(&diagnostics, self.lang))?;
        map.end()
    }
}

/// See [`Delta::in_lang`].
pub struct DeltaInLang<'a> {
    delta: &'a Delta,
    lang: Lang,
}

impl<'a> Serialize for DeltaInLang<'a> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (delta, lang) = (self.delta, self.lang);
        let updates =
            |rows: &'a [RowUpdate]| rows.iter().map(|row| row.in_lang(lang)).collect::<Vec<_>>();
        let mut guards: Vec<_> = delta.guards.iter().collect();
        order_ties(&mut guards, lang);
        let mut out = serializer.serialize_struct("Delta", 5)?;
        out.serialize_field("summary", &delta.summary)?;
        out.serialize_field("rows", &updates(&delta.rows))?;
        out.serialize_field("absent_added", &updates(&delta.absent_added))?;
        out.serialize_field("absent_removed", &delta.absent_removed)?;
        out.serialize_field("guards", &AllInLang(&guards, lang))?;
        out.end()
    }
}
