//! Per-row work on both cores natively (rayon's pool, whose threads outlive each phase and keep
//! their allocator heaps); one after the other in WebAssembly. The result is the same either
//! way: each row's value depends only on its index.

use crate::position::{PerRow, RowIndex};

/// `f` of every row of a table of `rows` rows, natively shared between both threads for large
/// files.
pub fn map_rows<T: Send + Default>(rows: usize, f: impl Fn(RowIndex) -> T + Sync) -> PerRow<T> {
    PerRow::from(map_split(rows, 4096, |i| f(RowIndex::at(i))))
}

/// `(0..count).map(f).collect()`, natively shared between both threads from `threshold` items
/// on.
///
/// The items are written in place into one vector, in runs of at least `threshold / 4` that
/// either thread may take: a thread busy elsewhere (reading the other file) joins in when it is
/// free, and neither waits on a half the other has not started.
pub fn map_split<T: Send + Default>(
    rows: usize,
    threshold: usize,
    f: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    #[cfg(not(target_arch = "wasm32"))]
    if rows >= threshold.max(2) {
        use rayon::prelude::*;
        let mut all: Vec<T> = Vec::with_capacity(rows);
        all.resize_with(rows, T::default);
        all.par_iter_mut()
            .enumerate()
            .with_min_len((threshold / 4).max(1))
            .for_each(|(i, slot)| *slot = f(i));
        return all;
    }
    #[cfg(target_arch = "wasm32")]
    let _ = threshold;
    (0..rows).map(f).collect()
}

/// Runs `side` alongside `main` (natively on another thread) and returns both results.
pub fn join<A: Send, B: Send>(
    side: impl FnOnce() -> A + Send,
    main: impl FnOnce() -> B + Send,
) -> (A, B) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let (result, side) = rayon::join(main, side);
        (side, result)
    }
    #[cfg(target_arch = "wasm32")]
    {
        (side(), main())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_row_order() {
        for rows in [0, 1, 4095, 4096, 10_001] {
            let squares = super::map_rows(rows, |i| i.index() * i.index());
            assert_eq!(squares, (0..rows).map(|i| i * i).collect());
        }
    }
}
