//! The config file as a user writes it: every section and key optional, unknown keys refused.
//! [`super::resolve`] checks ranges and turns this into the typed [`super::Config`].

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub scan: Option<RawScan>,
    pub ui: Option<RawUi>,
    pub watch: Option<RawWatch>,
    pub log: Option<RawLog>,
    pub actions: Option<RawActions>,
    /// `command_name = "key"` or `command_name = ["key", "key"]`.
    pub keys: Option<BTreeMap<String, KeyList>>,
    /// `[[accept]]` entries: read and checked by `config::accept`.
    pub accept: Option<serde::de::IgnoredAny>,
}

/// The section names, in the order the example file documents them.
pub const SECTIONS: [&str; 6] = ["ui", "scan", "watch", "log", "actions", "keys"];

/// `[scan]`: `seawall scan` and the console's inventory.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScan {
    pub concurrency: Option<RawNumber>,
    pub connect_timeout_secs: Option<RawNumber>,
    pub request_timeout_secs: Option<RawNumber>,
}

/// `[ui]`: the console.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUi {
    pub theme: Option<String>,
    #[serde(default, deserialize_with = "strict_bool")]
    pub mouse: Option<bool>,
    pub tick_ms: Option<RawNumber>,
    pub page_size: Option<RawNumber>,
    /// Every console action disabled.
    #[serde(default, deserialize_with = "strict_bool")]
    pub read_only: Option<bool>,
}

/// `[watch]`: the per-daemon watch tasks.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWatch {
    pub resync_secs: Option<RawNumber>,
    pub drift_secs: Option<RawNumber>,
    pub processes_secs: Option<RawNumber>,
    pub poll_concurrency: Option<RawNumber>,
    pub poll_per_minute: Option<RawNumber>,
    pub watchdog_secs: Option<RawNumber>,
}

/// `[log]`: seawall's own log file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLog {
    pub file: Option<PathBuf>,
    pub level: Option<String>,
}

/// `[actions]`: isolate, stop, export and their audit trail.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActions {
    #[serde(default, deserialize_with = "strict_bool")]
    pub pause_on_isolate: Option<bool>,
    pub stop_timeout_secs: Option<RawNumber>,
    pub log_lines: Option<RawNumber>,
    pub evidence_dir: Option<PathBuf>,
    pub export_dir: Option<PathBuf>,
    pub audit_log: Option<PathBuf>,
    pub state_file: Option<PathBuf>,
}

/// A number as the user wrote it. Any size and any kind is read here (an integer too large
/// for every integer type, `1e400`, `-3`, `2.5`, or a numeric string from the environment):
/// [`RawNumber::check`] then says what is wrong in words, with the allowed range.
#[derive(Debug, Clone, PartialEq)]
pub struct RawNumber {
    /// The number as written (or as the environment variable holds it).
    pub text: String,
    pub value: NumberValue,
}

/// The value of a [`RawNumber`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumberValue {
    Whole(i128),
    /// Not whole, or not finite (`1e400` is infinite).
    Float(f64),
    /// A whole number beyond `i128`; `true` when negative.
    Huge {
        negative: bool,
    },
}

/// Why a number was refused; the message names the allowed range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text} {problem} (must be between {lo} and {hi}{unit})")]
pub struct NumberError {
    pub text: String,
    /// "is too large", "is too small", "is not a whole number", "is not a number".
    pub problem: &'static str,
    pub lo: u64,
    pub hi: u64,
    /// Appended to the upper bound (" seconds"), or empty.
    pub unit: &'static str,
}

impl RawNumber {
    /// The value if it is a whole number in `lo..=hi`.
    pub fn check(&self, lo: u64, hi: u64, unit: &'static str) -> Result<u64, NumberError> {
        let fail = |problem| NumberError {
            text: self.text.clone(),
            problem,
            lo,
            hi,
            unit,
        };
        let whole = match self.value {
            NumberValue::Huge { negative: false } => return Err(fail("is too large")),
            NumberValue::Huge { negative: true } => return Err(fail("is too small")),
            NumberValue::Float(f) if f.is_nan() => return Err(fail("is not a number")),
            NumberValue::Float(f) if f > hi as f64 => return Err(fail("is too large")),
            NumberValue::Float(f) if f < lo as f64 => return Err(fail("is too small")),
            NumberValue::Float(f) if f.fract() != 0.0 => {
                return Err(fail("is not a whole number"));
            }
            NumberValue::Float(f) => f as i128,
            NumberValue::Whole(n) => n,
        };
        if whole > i128::from(hi) {
            Err(fail("is too large"))
        } else if whole < i128::from(lo) {
            Err(fail("is too small"))
        } else {
            Ok(whole as u64)
        }
    }
}

impl<'de> Deserialize<'de> for RawNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNumber, E> {
                Ok(whole(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNumber, E> {
                Ok(whole(v.into()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawNumber, E> {
                Ok(whole(v))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawNumber, E> {
                Ok(match i128::try_from(v) {
                    Ok(n) => whole(n),
                    Err(_) => RawNumber {
                        text: v.to_string(),
                        value: NumberValue::Huge { negative: false },
                    },
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNumber, E> {
                Ok(RawNumber {
                    text: v.to_string(),
                    value: NumberValue::Float(v),
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNumber, E> {
                parse_number(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

fn whole(n: i128) -> RawNumber {
    RawNumber {
        text: n.to_string(),
        value: NumberValue::Whole(n),
    }
}

/// A number written as text: a whole number of any size, or a float (`1e400` is infinite).
pub fn parse_number(text: &str) -> Option<RawNumber> {
    let t = text.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let value = if let Ok(n) = t.parse::<i128>() {
        NumberValue::Whole(n)
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        NumberValue::Huge { negative }
    } else if ["0x", "0o", "0b"].iter().any(|p| digits.starts_with(p)) {
        // A hexadecimal, octal or binary literal too large for i128.
        NumberValue::Huge { negative }
    } else {
        NumberValue::Float(t.parse::<f64>().ok()?)
    };
    Some(RawNumber {
        text: t.to_string(),
        value,
    })
}

/// One `[keys]` entry: a key string or a list of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyList(pub Vec<String>);

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeyListVisitor)
    }
}

struct KeyListVisitor;

const KEY_LIST_EXPECTED: &str = r#"a key such as "q" or a list of keys such as ["k", "up"]"#;

impl<'de> Visitor<'de> for KeyListVisitor {
    type Value = KeyList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(KEY_LIST_EXPECTED)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyList, E> {
        Ok(KeyList(vec![v.to_string()]))
    }

    // `tab_1 = 1`, or `SEAWALL_KEYS__TAB_1=1` (the environment parses numbers).
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyList, E> {
        Ok(KeyList(vec![v.to_string()]))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyList, E> {
        Ok(KeyList(vec![v.to_string()]))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyList, A::Error> {
        let mut keys = Vec::new();
        while let Some(KeyText(k)) = seq.next_element()? {
            keys.push(k);
        }
        Ok(KeyList(keys))
    }
}

/// One element of a key list.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a key such as "q""#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A boolean that must be written as one: the `config` crate would otherwise read
/// `"yes"`, `"on"` or `"1"` as true, hiding a typo such as `mouse = "no "`.
pub fn strict_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("true or false")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<bool>, E> {
            Ok(Some(v))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<bool>, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}
