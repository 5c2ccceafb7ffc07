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
}

/// The section names, in the order the example file documents them.
pub const SECTIONS: [&str; 6] = ["ui", "scan", "watch", "log", "actions", "keys"];

/// `[scan]`: `seawall scan` and the console's inventory.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScan {
    pub concurrency: Option<usize>,
    pub connect_timeout_secs: Option<u64>,
}

/// `[ui]`: the console.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUi {
    pub theme: Option<String>,
    #[serde(default, deserialize_with = "strict_bool")]
    pub mouse: Option<bool>,
    pub tick_ms: Option<u64>,
    pub page_size: Option<usize>,
    /// Every console action disabled.
    #[serde(default, deserialize_with = "strict_bool")]
    pub read_only: Option<bool>,
}

/// `[watch]`: the per-daemon watch tasks.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWatch {
    pub resync_secs: Option<u64>,
    pub drift_secs: Option<u64>,
    pub processes_secs: Option<u64>,
    pub poll_concurrency: Option<usize>,
    pub poll_per_minute: Option<u32>,
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
    pub stop_timeout_secs: Option<u64>,
    pub log_lines: Option<usize>,
    pub evidence_dir: Option<PathBuf>,
    pub export_dir: Option<PathBuf>,
    pub audit_log: Option<PathBuf>,
    pub state_file: Option<PathBuf>,
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
