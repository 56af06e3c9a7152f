//! The three numbers that say where something is, each its own type so that one cannot be
//! passed for another:
//!
//! - [`SheetRow`]: a row as a spreadsheet program numbers it (the header is row 1 in an
//!   export). Diagnostics, the report and the page's edits speak in these.
//! - [`RowIndex`]: a data row's place in the file's table (zero-based, blank rows included).
//!   The checker keeps its per-row state by it.
//! - [`StudentIndex`]: a student's place in a [`Roster`](crate::Roster) (zero-based).
//!
//! The checker's API takes each where it means it: an edit names the row a person sees, a row's
//! state is asked for by its place in the table.
//!
//! ```
//! use rollcall_core::{Checker, Field, Input, Options, RowIndex, SheetRow};
//!
//! let file = b"First Name,Last Name,Grade Level\nAna,Lee,03\n";
//! let mut checker = Checker::new(Input::new(file, None), None, &Options::default());
//! checker.set_cell(SheetRow::new(2), Field::Grade, "3rd").unwrap();
//! assert_eq!(checker.table().row_number(RowIndex::new(0)), SheetRow::new(2));
//! assert_eq!(checker.row_state(RowIndex::new(0)).entry.row, Some(SheetRow::new(2)));
//! ```
//!
//! Swapping them does not compile:
//!
//! ```compile_fail
//! # use rollcall_core::{Checker, Field, Input, Options, RowIndex};
//! # let file = b"First Name,Last Name,Grade Level\nAna,Lee,03\n";
//! # let mut checker = Checker::new(Input::new(file, None), None, &Options::default());
//! checker.set_cell(RowIndex::new(0), Field::Grade, "3rd");
//! ```
//!
//! ```compile_fail
//! # use rollcall_core::{Checker, Input, Options, SheetRow};
//! # let file = b"First Name,Last Name,Grade Level\nAna,Lee,03\n";
//! # let checker = Checker::new(Input::new(file, None), None, &Options::default());
//! checker.row_state(SheetRow::new(2));
//! ```
//!
//! ```compile_fail
//! # use rollcall_core::{Roster, RowIndex};
//! # let roster = Roster::new(&[]);
//! roster.student(RowIndex::new(0));
//! ```

use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// A zero-based place in a list, or a number, held as a `u32`.
pub trait Position: Copy + Ord + Hash + fmt::Debug {
    fn new(number: u32) -> Self;
    fn get(self) -> u32;

    /// The place as an index into a `Vec`.
    fn index(self) -> usize {
        self.get() as usize
    }

    /// The place of a `Vec`'s `index`.
    fn at(index: usize) -> Self {
        Self::new(u32::try_from(index).expect("tables hold fewer than 2^32 rows"))
    }
}

macro_rules! position {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[repr(transparent)]
        pub struct $name(u32);

        impl $name {
            pub const fn new(number: u32) -> $name {
                $name(number)
            }

            pub const fn get(self) -> u32 {
                self.0
            }

            /// The place as an index into a `Vec`.
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            /// The place of a `Vec`'s `index`.
            pub fn at(index: usize) -> $name {
                <$name as Position>::at(index)
            }
        }

        impl Position for $name {
            fn new(number: u32) -> $name {
                $name(number)
            }

            fn get(self) -> u32 {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }
    };
}

position!(
    /// A row as a spreadsheet program numbers it: the first row of the sheet is 1.
    SheetRow
);
position!(
    /// A data row's place in the file's table, zero-based, blank rows included.
    RowIndex
);
position!(
    /// A student's place in a roster, zero-based.
    StudentIndex
);

impl fmt::Display for SheetRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The places `0..len` of a list.
pub fn all<P: Position>(len: usize) -> impl DoubleEndedIterator<Item = P> + ExactSizeIterator {
    (0..len).map(P::at)
}

/// A `Vec` indexed by one kind of [`Position`] only: the checker's per-row state is a
/// `PerRow<T>`, which a [`StudentIndex`] or a [`SheetRow`] cannot index.
#[derive(Clone, PartialEq, Eq)]
pub struct IndexVec<P, T> {
    items: Vec<T>,
    position: PhantomData<fn(P)>,
}

/// Something for every data row of the table, by [`RowIndex`].
pub type PerRow<T> = IndexVec<RowIndex, T>;

impl<P: Position, T> IndexVec<P, T> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// Each item with its position.
    pub fn iter_enumerated(&self) -> impl DoubleEndedIterator<Item = (P, &T)> + ExactSizeIterator {
        self.items
            .iter()
            .enumerate()
            .map(|(i, item)| (P::at(i), item))
    }

    /// Every position, in order.
    pub fn positions(&self) -> impl DoubleEndedIterator<Item = P> + ExactSizeIterator + use<P, T> {
        all(self.items.len())
    }
}

impl<P, T> Default for IndexVec<P, T> {
    fn default() -> IndexVec<P, T> {
        IndexVec::from(Vec::new())
    }
}

impl<P, T> From<Vec<T>> for IndexVec<P, T> {
    fn from(items: Vec<T>) -> IndexVec<P, T> {
        IndexVec {
            items,
            position: PhantomData,
        }
    }
}

impl<P, T> FromIterator<T> for IndexVec<P, T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> IndexVec<P, T> {
        IndexVec::from(items.into_iter().collect::<Vec<T>>())
    }
}

impl<P: Position, T> Index<P> for IndexVec<P, T> {
    type Output = T;

    fn index(&self, position: P) -> &T {
        &self.items[position.index()]
    }
}

impl<P: Position, T> IndexMut<P> for IndexVec<P, T> {
    fn index_mut(&mut self, position: P) -> &mut T {
        &mut self.items[position.index()]
    }
}

impl<'a, P, T> IntoIterator for &'a IndexVec<P, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, P, T> IntoIterator for &'a mut IndexVec<P, T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

impl<P, T: fmt::Debug> fmt::Debug for IndexVec<P, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.items.fmt(f)
    }
}
