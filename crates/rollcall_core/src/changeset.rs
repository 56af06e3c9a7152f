//! The change-set of SPEC section 7: the creates and updates a checked file means.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::field::Field;
use crate::position::SheetRow;

/// One operation. Rows with errors never become operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    Update {
        row: SheetRow,
        guid: String,
        /// Fingerprint of the student as exported ([`crate::roster::fingerprint`]); absent only
        /// when the file was checked without a roster.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base: Option<String>,
        set: Values,
    },
    Create {
        row: SheetRow,
        values: Values,
    },
}

/// The values an operation sets: text fields by name, and the student's classes, which are a
/// list and, when present, the student's complete list of the teacher's classes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Values {
    #[serde(flatten)]
    pub fields: BTreeMap<Field, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
}

impl FromIterator<(Field, String)> for Values {
    /// Text fields, no classes.
    fn from_iter<I: IntoIterator<Item = (Field, String)>>(fields: I) -> Values {
        Values {
            fields: fields.into_iter().collect(),
            classes: None,
        }
    }
}

impl Values {
    /// The text of a field, if the operation sets it.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.fields.get(&field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.classes.is_none()
    }
}

impl Op {
    /// The spreadsheet row the operation came from.
    pub fn row(&self) -> SheetRow {
        match self {
            Op::Update { row, .. } | Op::Create { row, .. } => *row,
        }
    }

    /// The values the operation sets.
    pub fn values(&self) -> &Values {
        match self {
            Op::Update { set, .. } => set,
            Op::Create { values, .. } => values,
        }
    }
}

/// A validated change-set, ready to post to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// UUID v4: the idempotency key.
    pub id: String,
    pub school: String,
    /// RFC 3339.
    pub created_at: String,
    pub ops: Vec<Op>,
    /// The guards ([`crate::guards`]) the teacher saw and confirmed, by code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confirm: Vec<String>,
}

impl ChangeSet {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
