//! The Upload History's pages: how many entries a page holds, which page is asked for, and the
//! header that gives the whole history's size.

use serde::{Deserialize, Serialize};

/// How many entries one page of the Upload History holds at most.
pub const HISTORY_PAGE_SIZE: u32 = 50;

/// The header of an Upload History page that says how many uploads the whole history holds
/// (all the pages together), so a page can show "page 2 of 4".
pub const TOTAL_COUNT_HEADER: &str = "X-Total-Count";

/// The query of `GET …/uploads`: which page of the Upload History, newest first, counting from
/// 1 (the default). A page past the end is empty; 0 is not a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl HistoryQuery {
    /// The page asked for (1 when none was); `None` for page 0, which does not exist.
    pub fn page_number(&self) -> Option<u32> {
        match self.page {
            None => Some(1),
            Some(0) => None,
            Some(page) => Some(page),
        }
    }

    /// How many entries of the newest-first history come before the page asked for; `None` for
    /// page 0.
    pub fn offset(&self) -> Option<u64> {
        self.page_number()
            .map(|page| u64::from(page - 1) * u64::from(HISTORY_PAGE_SIZE))
    }

    /// How many pages a history of `total` uploads fills (an empty one still has page 1).
    pub fn pages(total: u64) -> u64 {
        total.div_ceil(u64::from(HISTORY_PAGE_SIZE)).max(1)
    }
}
