//! The activity rule catalog: every rule the [`Engine`](super::Engine) can raise, for
//! `seawall rules` and the docs.

pub use super::meta::AlertMeta;
use super::{
    daemon, drift, exec, image, launch, lifecycle_events, network_events, process, transfer, volume,
};

/// Every activity rule, grouped by family (exec, launch, transfer, image, network, volume,
/// lifecycle, daemon, drift, process), in id order within a family.
pub fn all() -> Vec<AlertMeta> {
    let mut out = Vec::new();
    out.extend(exec::metas());
    out.extend(launch::metas());
    out.extend(transfer::metas());
    out.extend(image::metas());
    out.extend(network_events::metas());
    out.extend(volume::metas());
    out.extend(lifecycle_events::metas());
    out.extend(daemon::metas());
    out.extend(drift::metas());
    out.extend(process::metas());
    out
}

/// Find an activity rule by id (case-insensitive).
pub fn get(id: &str) -> Option<AlertMeta> {
    all().into_iter().find(|m| m.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_well_formed_and_documented() {
        let all = all();
        let mut seen = HashSet::new();
        for m in &all {
            assert!(seen.insert(m.id), "duplicate id {}", m.id);
            let parts: Vec<&str> = m.id.split('-').collect();
            assert_eq!(parts.len(), 4, "{}", m.id);
            assert_eq!((parts[0], parts[1]), ("SW", "ACT"), "{}", m.id);
            assert!(parts[2].chars().all(|c| c.is_ascii_uppercase()), "{}", m.id);
            assert!(
                parts[3].len() == 3 && parts[3].chars().all(|c| c.is_ascii_digit()),
                "{}",
                m.id
            );
            assert!(m.technique_id.starts_with('T'), "{}", m.id);
            for text in [m.title, m.technique_name, m.why, m.response] {
                assert!(!text.trim().is_empty(), "{} is missing text", m.id);
            }
        }
        // Ids within a family are sorted (new rules are appended).
        let ids: Vec<&str> = all.iter().map(|m| m.id).collect();
        for pair in ids.windows(2) {
            let fam = |id: &str| id.rsplit_once('-').map(|(f, _)| f.to_string());
            if fam(pair[0]) == fam(pair[1]) {
                assert!(pair[0] < pair[1], "{} before {}", pair[0], pair[1]);
            }
        }
    }

    #[test]
    fn rules_are_found_by_id() {
        assert_eq!(
            get("SW-ACT-EXEC-001").map(|m| m.title),
            Some("Interactive shell in container")
        );
        assert_eq!(get("sw-act-drift-003").map(|m| m.score_bump), Some(25));
        assert!(get("SW-PRIV-001").is_none());
    }
}
