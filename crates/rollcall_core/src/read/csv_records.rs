//! CSV records one at a time, read with `csv_core` as the csv crate reads them, except that a
//! record keeps at most [`MOST_FIELDS`] fields and only counts the rest.
//!
//! The csv crate keeps every field's end of a record, eight bytes a field: 20 MiB of
//! delimiters on one line would be 20 million fields and 256 MiB of ends. No spreadsheet has
//! more than 16,384 columns, so a record with more fields than that is `too-many-columns`
//! whatever its cells hold, and the ends past that are counted, not kept.
//!
//! A line without a quote, nearly every line of a roster, is split at its delimiters without
//! csv_core: its fields are then slices of the text, neither copied nor checked as UTF-8 again.
//! csv_core, between two records, is in a state that reads what follows as the start of a
//! record (a `\n` after a `\r` it ended a record on is skipped either way, as an empty line
//! is), so the two ways can take turns line by line and read every record alike.

use crate::read::builder::RowCells;

/// The most fields a record keeps: a spreadsheet's last column.
pub(crate) const MOST_FIELDS: usize = 16_384;

/// The records of a CSV text.
pub(crate) struct Records<'t> {
    core: csv_core::Reader,
    text: &'t str,
    delimiter: u8,
    /// Bytes of `text` read so far.
    read: usize,
    /// Where the first quote at or after `read` was when last looked for (the text's length
    /// when there is none), so that a file without quotes is searched for them once.
    quote: usize,
    done: bool,
}

/// One record: its fields back to back (copied into `data`, or as one line of the text with a
/// delimiter between each two), where each ends, and how many it has in all.
#[derive(Debug, Default)]
pub(crate) struct Record {
    data: Vec<u8>,
    /// The first fields' ends in `data`, or in the line (the first `kept` entries are valid).
    ends: Vec<usize>,
    /// The line of the text the fields are in, when the record had no quote; else `data`
    /// holds them.
    line: Option<std::ops::Range<usize>>,
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
            text,
            delimiter,
            read: 0,
            quote: 0,
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
        record.line = None;
        if self.done {
            return false;
        }
        // The first record goes to csv_core, which takes a byte order mark off its start.
        if self.read > 0 && self.plain_line(record) {
            return true;
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
                &self.text.as_bytes()[self.read..],
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

    /// Reads the next record into `record` as csv_core would, if it lies on one line without
    /// a quote and has at most [`MOST_FIELDS`] fields; false (nothing read) otherwise.
    fn plain_line(&mut self, record: &mut Record) -> bool {
        let text = self.text.as_bytes();
        // Line ends before a record are skipped: empty lines, or the `\n` of a `\r\n`.
        let Some(skipped) = text[self.read..]
            .iter()
            .position(|&byte| byte != b'\r' && byte != b'\n')
        else {
            return false;
        };
        let begin = self.read + skipped;
        let end = memchr::memchr2(b'\r', b'\n', &text[begin..]).map_or(text.len(), |at| begin + at);
        if self.quote < begin {
            self.quote = memchr::memchr(b'"', &text[begin..]).map_or(text.len(), |at| begin + at);
        }
        if self.quote < end {
            return false;
        }
        let line = &text[begin..end];
        let mut kept = 0;
        for at in memchr::memchr_iter(self.delimiter, line) {
            if kept + 1 == MOST_FIELDS {
                return false;
            }
            if record.ends.len() == kept {
                let grown = (kept * 2).clamp(16, MOST_FIELDS);
                record.ends.resize(grown, 0);
            }
            record.ends[kept] = at;
            kept += 1;
        }
        if record.ends.len() == kept {
            record.ends.resize((kept * 2).clamp(16, MOST_FIELDS), 0);
        }
        record.ends[kept] = line.len();
        record.kept = kept + 1;
        record.fields = kept + 1;
        record.line = Some(begin..end);
        // The line end that closes the record is read with it (only the `\r` of a `\r\n`).
        self.read = (end + 1).min(text.len());
        true
    }

    /// The record's fields back to back, as text (with a delimiter between each two when it
    /// was read as a line).
    pub(crate) fn whole<'a>(&'a self, record: &'a Record) -> Result<&'a str, std::str::Utf8Error> {
        match &record.line {
            // The line ends at a line end or the text's end and starts after one or at the
            // text's start: whole characters.
            Some(line) => Ok(self.text.get(line.clone()).unwrap_or_default()),
            None => std::str::from_utf8(&record.data[..record.written]),
        }
    }
}

impl Record {
    /// Where the record's reading started in the text: right after the previous record.
    pub(crate) fn start(&self) -> usize {
        self.start
    }

    /// The line of the text the record is, when it was read as one line without a quote, and
    /// where its fields end in it (each but the last before a delimiter).
    pub(crate) fn line(&self) -> Option<(std::ops::Range<usize>, &[usize])> {
        let line = self.line.clone()?;
        Some((line, &self.ends[..self.kept]))
    }

    /// How many fields the record has, kept or not.
    pub(crate) fn fields(&self) -> usize {
        self.fields
    }

    /// The byte range of kept field `index` in [`Records::whole`].
    fn range(&self, index: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends[..self.kept].get(index)?;
        let start = match index {
            0 => 0,
            // Past the delimiter.
            _ if self.line.is_some() => self.ends[index - 1] + 1,
            _ => self.ends[index - 1],
        };
        Some(start..end)
    }

    /// The kept fields of a record copied into `data`, each made text with replacement
    /// characters where it is not UTF-8.
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
            let whole = records.whole(&record).expect("the text is UTF-8");
            let cells = TextRecord {
                whole,
                record: &record,
            };
            let fields = (0..cells.len())
                .map(|index| cells.cell(index).0.to_owned())
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
            "h\r\n\r\na,b\r\n\r\n\nc,\"d\"\r\ne,f\rg\n\n",
            "h\n\u{feff}a,b\n\u{feff}\"c\",d\n\"e\nf\",g\nh,\"i\"\"\",j",
            "h\nx\"y,z\"\nlast,,",
            "h\n,\n,,\r\n\"\"\r\n\r",
        ] {
            let (theirs, ours) = both(text);
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    #[test]
    fn a_line_with_more_fields_than_a_record_keeps_is_counted_whole() {
        // csv_core reads it (the line's own reading gives up), and the next line as a line.
        let text = format!("h\n{}\nlast,row\n", ",".repeat(MOST_FIELDS + 5));
        let mut records = Records::new(&text, b',');
        let mut record = Record::default();
        let mut read = Vec::new();
        while records.next_into(&mut record) {
            read.push((record.start(), record.fields(), record.kept));
        }
        assert_eq!(
            read,
            [
                (0, 1, 1),
                (2, MOST_FIELDS + 6, MOST_FIELDS),
                (text.len() - 9, 2, 2)
            ]
        );
    }

    proptest::proptest! {
        /// Lines with and without quotes, taking turns, read as the csv crate reads them.
        #[test]
        fn any_text_reads_as_the_csv_crate_does(
            text in "[a,\"\r\n\u{feff}é ]{0,60}"
        ) {
            let (theirs, ours) = both(&text);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn a_line_past_the_most_fields_is_counted_after_the_first() {
        for extra in [0, 1, 2] {
            let text = format!("h\n{}\nnext\n", ",".repeat(MOST_FIELDS - 2 + extra));
            let mut records = Records::new(&text, b',');
            let mut record = Record::default();
            assert!(records.next_into(&mut record));
            assert!(records.next_into(&mut record));
            assert_eq!(record.fields(), MOST_FIELDS - 1 + extra);
            assert_eq!(record.kept, record.fields().min(MOST_FIELDS));
            assert!(records.next_into(&mut record));
            assert_eq!(records.whole(&record), Ok("next"));
            assert!(!records.next_into(&mut record));
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
