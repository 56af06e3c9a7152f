//! CSV records one at a time, read with `csv_core` as the csv crate reads them, except that a
//! record keeps at most [`MOST_FIELDS`] fields and only counts the rest.
//!
//! The csv crate keeps every field's end of a record, eight bytes a field: 20 MiB of
//! delimiters on one line would be 20 million fields and 256 MiB of ends. No spreadsheet has
//! more than 16,384 columns, so a record with more fields than that is `too-many-columns`
//! whatever its cells hold, and the ends past that are counted, not kept.

use crate::read::builder::RowCells;

/// The most fields a record keeps: a spreadsheet's last column.
pub(crate) const MOST_FIELDS: usize = 16_384;

/// The records of a CSV text.
pub(crate) struct Records<'t> {
    core: csv_core::Reader,
    text: &'t [u8],
    /// Bytes of `text` read so far.
    read: usize,
    done: bool,
}

/// One record: its fields back to back, where each ends, and how many it has in all.
#[derive(Debug, Default)]
pub(crate) struct Record {
    data: Vec<u8>,
    /// The first fields' ends in `data` (the first `kept` entries are valid).
    ends: Vec<usize>,
    kept: usize,
    fields: usize,
    /// Bytes of `data` the record's fields take.
    written: usize,
    /// Where the record's reading started in the text (after the previous record).
    start: usize,
}

impl<'t> Records<'t> {
    pub(crate) fn new(text: &'t str, delimiter: u8) -> Records<'t> {
        Records {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            text: text.as_bytes(),
            read: 0,
            done: false,
        }
    }

    /// Reads the next record into `record`; false at the end of the text.
    pub(crate) fn next_into(&mut self, record: &mut Record) -> bool {
        use csv_core::ReadRecordResult as Read;
        record.start = self.read;
        record.written = 0;
        record.kept = 0;
        record.fields = 0;
        if self.done {
            return false;
        }
        let mut spill = [0usize; 64];
        loop {
            if record.data.len() == record.written {
                record.data.resize((record.data.len() * 2).max(256), 0);
            }
            if record.ends.len() == record.kept && record.kept < MOST_FIELDS {
                let grown = (record.ends.len() * 2).clamp(16, MOST_FIELDS);
                record.ends.resize(grown, 0);
            }
            let spilling = record.kept == record.ends.len();
            let ends = if spilling {
                &mut spill[..]
            } else {
                &mut record.ends[record.kept..]
            };
            let (result, read, written, ended) = self.core.read_record(
                &self.text[self.read..],
                &mut record.data[record.written..],
                ends,
            );
            self.read += read;
            record.written += written;
            record.fields += ended;
            if !spilling {
                record.kept += ended;
            }
            match result {
                Read::InputEmpty | Read::OutputFull | Read::OutputEndsFull => {}
                Read::Record => return true,
                Read::End => {
                    self.done = true;
                    return false;
                }
            }
        }
    }
}

impl Record {
    /// Where the record's reading started in the text: right after the previous record.
    pub(crate) fn start(&self) -> usize {
        self.start
    }

    /// How many fields the record has, kept or not.
    pub(crate) fn fields(&self) -> usize {
        self.fields
    }

    /// The fields back to back, as text.
    pub(crate) fn whole(&self) -> Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(&self.data[..self.written])
    }

    /// The byte range of kept field `index` in [`Record::whole`].
    fn range(&self, index: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends[..self.kept].get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        Some(start..end)
    }

    /// The kept fields, each made text with replacement characters where it is not UTF-8.
    pub(crate) fn lossy(&self) -> Vec<(std::borrow::Cow<'_, str>, bool)> {
        (0..self.kept)
            .filter_map(|index| self.range(index))
            .map(|range| (String::from_utf8_lossy(&self.data[range]), false))
            .collect()
    }
}

/// A record whose fields, back to back, were checked as UTF-8 at once.
pub(crate) struct TextRecord<'a> {
    pub(crate) whole: &'a str,
    pub(crate) record: &'a Record,
}

impl RowCells for TextRecord<'_> {
    fn len(&self) -> usize {
        self.record.kept
    }

    fn cell(&self, index: usize) -> (&str, bool) {
        // Fields end where a delimiter or quote was, so each range is whole characters.
        let text = self
            .record
            .range(index)
            .and_then(|range| self.whole.get(range));
        (text.unwrap_or(""), false)
    }

    fn whole(&self) -> Option<&str> {
        Some(self.whole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each record's start and fields.
    type Read = Vec<(u64, Vec<String>)>;

    /// Every record as (start, fields) with the csv crate's reader and with this one.
    fn both(text: &str) -> (Read, Read) {
        let mut theirs = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut record = csv::ByteRecord::new();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            let fields = record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            theirs.push((record.position().map_or(0, |p| p.byte()), fields));
        }
        let mut ours = Vec::new();
        let mut records = Records::new(text, b',');
        let mut record = Record::default();
        while records.next_into(&mut record) {
            let fields = record
                .lossy()
                .into_iter()
                .map(|(f, _)| f.into_owned())
                .collect();
            ours.push((record.start() as u64, fields));
        }
        (theirs, ours)
    }

    #[test]
    fn reads_as_the_csv_crate_does() {
        for text in [
            "",
            "a,b\r\n\r\nc,\"d\"\"e\",f\n",
            "\n\n\"x\ny\",z\r",
            "one\rtwo\r\n\"unterminated",
            "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,0,1,2,3,4,5,6,7,8,9\n",
            &"x".repeat(10_000),
        ] {
            let (theirs, ours) = both(text);
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    #[test]
    fn fields_past_the_most_are_counted_not_kept() {
        let text = ",".repeat(1_000_000);
        let mut records = Records::new(&text, b',');
        let mut record = Record::default();
        assert!(records.next_into(&mut record));
        assert_eq!(record.fields(), 1_000_001);
        assert_eq!(record.kept, MOST_FIELDS);
        assert!(record.ends.len() <= MOST_FIELDS);
        assert!(!records.next_into(&mut record));
    }
}
