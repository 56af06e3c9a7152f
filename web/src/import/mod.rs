//! The Import Students/Rosters page, in layers: what the table shows of a row (`row_view.rs`),
//! the page's state (`state.rs`), what it asks the server (`services.rs`), and its components
//! (`page.rs`, and the result's table in `table.rs`). The state knows no component; the
//! components read and drive the state.

mod page;
mod row_view;
mod services;
mod state;
mod table;

pub use page::ImportPage;
pub use row_view::RowView;
pub use state::{Compared, ImportState, PAGE_ROWS, Phase};
