//! The rule catalog: metadata for every rule seawall can report.

use super::{RuleMeta, host, rules};

/// Every rule, container rules first, sorted by id within each scope.
pub fn all() -> Vec<RuleMeta> {
    let mut container = rules::metas();
    container.sort_by_key(|m| m.id);
    let mut hosts = host::metas();
    hosts.sort_by_key(|m| m.id);
    container.extend(hosts);
    container
}

/// Find a rule by id.
pub fn get(id: &str) -> Option<RuleMeta> {
    all().into_iter().find(|m| m.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let all = all();
        let mut seen = HashSet::new();
        for m in &all {
            assert!(seen.insert(m.id), "duplicate rule id {}", m.id);
            assert!(m.id.starts_with("SW-"), "{} must start with SW-", m.id);
            assert!(
                !m.title.is_empty() && !m.technique.is_empty() && !m.fix.is_empty(),
                "{} is missing text",
                m.id
            );
        }
    }
}
