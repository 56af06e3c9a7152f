//! Per-row work on both cores natively; one after the other in WebAssembly. The result is the
//! same either way: each row's value depends only on its index.

/// `(0..rows).map(f).collect()`, natively split over two threads for large files.
pub fn map_rows<T: Send>(rows: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    map_split(rows, 4096, f)
}

/// `(0..count).map(f).collect()`, natively split over two threads from `threshold` items on.
pub fn map_split<T: Send>(rows: usize, threshold: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    #[cfg(not(target_arch = "wasm32"))]
    if rows >= threshold.max(2) {
        let middle = rows / 2;
        return std::thread::scope(|scope| {
            let second = scope.spawn(|| (middle..rows).map(&f).collect::<Vec<T>>());
            let mut all: Vec<T> = (0..middle).map(&f).collect();
            match second.join() {
                Ok(rest) => all.extend(rest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            all
        });
    }
    #[cfg(target_arch = "wasm32")]
    let _ = threshold;
    (0..rows).map(f).collect()
}

/// Runs `side` alongside `main` (natively on another thread) and returns both results.
pub fn join<A: Send, B>(side: impl FnOnce() -> A + Send, main: impl FnOnce() -> B) -> (A, B) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::scope(|scope| {
            let side = scope.spawn(side);
            let result = main();
            match side.join() {
                Ok(side) => (side, result),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
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
            let squares = super::map_rows(rows, |i| i * i);
            assert_eq!(squares, (0..rows).map(|i| i * i).collect::<Vec<_>>());
        }
    }
}
