//! The fixed-text enums' machinery: the `text_enum!` macro that gives an enum its one text per
//! variant, and the error a text naming no variant gives.

use std::fmt;

/// A text that names none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// What was expected, e.g. "upload status".
    pub what: &'static str,
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.what, self.value)
    }
}

impl std::error::Error for UnknownValue {}

/// An enum whose JSON (and database) form is one fixed text per variant: `as_str`, `FromStr`,
/// `TryFrom<&str>`, `Display` and serde all read the one table given here.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text on the wire and in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownValue;

            fn from_str(text: &str) -> Result<$name, $crate::UnknownValue> {
                match text {
                    $( $text => Ok($name::$variant), )+
                    _ => Err($crate::UnknownValue { what: $what, value: text.to_owned() }),
                }
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::UnknownValue;

            fn try_from(text: &str) -> Result<$name, $crate::UnknownValue> {
                text.parse()
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::UnknownValue;

            fn try_from(text: String) -> Result<$name, $crate::UnknownValue> {
                text.parse()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> Result<$name, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let text: String = ::serde::Deserialize::deserialize(deserializer)?;
                text.parse().map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
}

pub(crate) use text_enum;
