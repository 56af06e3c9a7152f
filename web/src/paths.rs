//! The page's addresses: each view has one, so the back button and a bookmark work. The server
//! answers each of them with the page (see `rollcall_server::routes::page`).

use crate::api;

/// The Import Students/Rosters page.
pub const IMPORT: &str = "/";
/// The Upload History, first page.
pub const HISTORY: &str = "/history";

/// The roster with each student's password state.
pub const STUDENTS: &str = "/students";

/// The students' own sign-in page (outside the teachers' page).
pub const STUDENT: &str = "/student";

/// The teacher's classes.
pub const CLASSES: &str = "/classes";

/// The Classes view with one class opened.
pub fn class(id: &str) -> String {
    format!("{CLASSES}?class={}", api::encode(id))
}

/// Page `page` (from 1) of the Upload History.
pub fn history_page(page: u32) -> String {
    if page <= 1 {
        HISTORY.to_owned()
    } else {
        format!("{HISTORY}?page={page}")
    }
}

/// One upload.
pub fn upload(id: &str) -> String {
    format!("{HISTORY}/{}", api::encode(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_history_page_has_no_query() {
        assert_eq!(history_page(0), "/history");
        assert_eq!(history_page(1), "/history");
        assert_eq!(history_page(3), "/history?page=3");
    }
}
