//! The examples of docs/api.md, for the tests that run them: its fenced code blocks, and a
//! comparison of what the code answers with what the document shows, where `"…"` stands for a
//! value that differs from run to run.

use serde_json::Value;

/// What stands for "any value" in the document.
pub const ANY: &str = "…";

/// One fenced code block: its language (the word after the fence) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub lang: String,
    pub text: String,
}

/// The fenced code blocks of a Markdown document, in order.
pub fn code_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for line in markdown.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => {
                open = Some(Block {
                    lang: lang.trim().to_owned(),
                    text: String::new(),
                });
            }
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some(block), None) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Whether `actual` matches the text `shown`, in which each `…` stands for any run of
/// characters.
pub fn text_matches(shown: &str, actual: &str) -> bool {
    let mut parts = shown.split(ANY);
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (k, part) in parts.iter().enumerate() {
        if k == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Compares `actual` with the JSON the document shows: objects have the same keys, arrays the
/// same length unless the shown one ends in `"…"` (then it shows the first entries), a `"…"`
/// matches any value and a string containing `…` matches as in [`text_matches`]. The error says
/// where the two part.
pub fn json_matches(shown: &Value, actual: &Value) -> Result<(), String> {
    compare(shown, actual, "$")
}

fn compare(shown: &Value, actual: &Value, at: &str) -> Result<(), String> {
    let differ = || {
        Err(format!(
            "at {at}: the document shows {shown}, the code gives {actual}"
        ))
    };
    match (shown, actual) {
        (Value::String(s), _) if s == ANY => Ok(()),
        (Value::String(s), Value::String(a)) if s.contains(ANY) => {
            if text_matches(s, a) {
                Ok(())
            } else {
                differ()
            }
        }
        (Value::Object(s), Value::Object(a)) => {
            let (mut sk, mut ak): (Vec<_>, Vec<_>) = (s.keys().collect(), a.keys().collect());
            sk.sort();
            ak.sort();
            if sk != ak {
                return Err(format!(
                    "at {at}: the document shows keys {sk:?}, the code gives {ak:?}"
                ));
            }
            s.iter()
                .try_for_each(|(key, value)| compare(value, &a[key], &format!("{at}.{key}")))
        }
        (Value::Array(s), Value::Array(a)) => {
            let open = s.last().is_some_and(|last| last.as_str() == Some(ANY));
            let shown_entries = if open { &s[..s.len() - 1] } else { &s[..] };
            if (!open && s.len() != a.len()) || a.len() < shown_entries.len() {
                return Err(format!(
                    "at {at}: the document shows {} entries, the code gives {}",
                    s.len(),
                    a.len()
                ));
            }
            shown_entries
                .iter()
                .zip(a)
                .enumerate()
                .try_for_each(|(k, (s, a))| compare(s, a, &format!("{at}[{k}]")))
        }
        _ if shown == actual => Ok(()),
        _ => differ(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blocks_are_found_with_their_language() {
        let blocks = code_blocks("text\n```json\n{}\n```\nmore\n```http\nGET /\n```\n");
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            (blocks[0].lang.as_str(), blocks[0].text.as_str()),
            ("json", "{}\n")
        );
        assert_eq!(blocks[1].lang, "http");
    }

    #[test]
    fn an_ellipsis_stands_for_any_text() {
        assert!(text_matches("students-…-x.csv", "students-lincoln-7-x.csv"));
        assert!(text_matches("…", "anything"));
        assert!(!text_matches("students-….csv", "teachers-1.csv"));
        assert!(!text_matches("exact", "exactly"));
    }

    #[test]
    fn json_compares_keys_entries_and_values() {
        let shown = json!({"id": "…", "rows": [{"n": 1}, "…"], "name": "a-…"});
        assert_eq!(
            json_matches(
                &shown,
                &json!({"id": 7, "rows": [{"n": 1}, {"n": 2}], "name": "a-b"})
            ),
            Ok(())
        );
        let missing_key = json_matches(&shown, &json!({"id": 7, "rows": [{"n": 1}]}));
        assert!(missing_key.is_err());
        let other_value = json_matches(&json!({"n": [1, 2]}), &json!({"n": [1, 3]}));
        assert_eq!(
            other_value,
            Err("at $.n[1]: the document shows 2, the code gives 3".to_owned())
        );
        assert!(
            json_matches(&json!([1]), &json!([1, 2])).is_err(),
            "closed array"
        );
    }
}
