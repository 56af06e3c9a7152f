//! The Import Students/Rosters page, in layers: its state (`state.rs`), what it asks the server
//! (`services.rs`), and its components (`page.rs`, and the result's table in `table.rs`). The
//! state knows no component; the components read and drive the state.

mod page;
mod services;
mod state;
mod table;

pub use page::ImportPage;
pub use state::{Compared, ImportState, PAGE_ROWS, Phase, RowView};
