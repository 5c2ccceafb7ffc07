//! The grader: facts of one daemon in, graded fleet out.
//!
//! A [`Grader`] holds the host facts and the latest facts of every container of one daemon.
//! It resolves each container's confinement (following `container:<x>` namespace chains
//! through its own inventory), runs the container rules, scores them, grades the host
//! posture, and says which other containers must be regraded when one changes or goes
//! (the ones that join its namespaces, transitively).
//!
//! The watch task owns one per daemon; `seawall scan` (and the reports built from it) use
//! one per endpoint; the console only stores what they produce. So a finding in the console
//! and in `seawall scan --format json` is the same value by construction.

use super::confinement::{self, Confinement, Lookup};
use super::{Ctx, Finding, Score, host, rules, score, sort_findings};
use crate::model::{ContainerFacts, ContainerState, HostFacts};
use std::collections::{HashMap, HashSet};

/// One container, graded: its facts, its resolved confinement, its findings (worst first)
/// and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct GradedContainer {
    pub facts: ContainerFacts,
    pub confinement: Confinement,
    /// Worst first.
    pub findings: Vec<Finding>,
    pub score: Score,
}

/// The daemon's posture, graded: its facts, its findings (worst first) and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct GradedHost {
    pub facts: HostFacts,
    /// Worst first.
    pub findings: Vec<Finding>,
    pub score: Score,
}

/// The facts of one daemon and everything needed to grade them.
#[derive(Debug, Default, Clone)]
pub struct Grader {
    host: HostFacts,
    /// Latest facts by container id (boxed: a table of 500 inline facts, doubled while it
    /// grows, was a third of a scan's heap).
    containers: HashMap<String, Box<ContainerFacts>>,
    /// Container name -> id (for `container:<name>` references).
    names: HashMap<String, String>,
}

/// The namespace modes that can name another container.
fn joined_modes(c: &ContainerFacts) -> [&str; 4] {
    [&c.pid_mode, &c.network_mode, &c.ipc_mode, &c.uts_mode]
}

/// The `container:<x>` references of a container (without a leading `/`).
fn references(c: &ContainerFacts) -> impl Iterator<Item = &str> {
    joined_modes(c).into_iter().filter_map(|m| {
        m.strip_prefix("container:")
            .map(|r| r.trim_start_matches('/'))
    })
}

/// Could `reference` name the container `id` / `name`? Generous on purpose (any id
/// prefix): a container regraded for nothing costs little, a missed one shows stale data.
fn may_name(reference: &str, id: &str, names: &[&str]) -> bool {
    !reference.is_empty() && (id.starts_with(reference) || names.contains(&reference))
}

impl Grader {
    pub fn new(host: HostFacts) -> Self {
        Grader {
            host,
            ..Grader::default()
        }
    }

    /// Does this container join another container's namespaces (so that grading it needs
    /// the rest of the daemon)?
    pub fn joins_another(c: &ContainerFacts) -> bool {
        references(c).next().is_some()
    }

    /// Grade a container that joins no other container's namespaces, without any fleet:
    /// `None` when it does join one (grade it once the daemon's inventory is complete).
    /// The scan uses this to grade each container as its inspect arrives.
    pub fn grade_alone(
        host: &HostFacts,
        c: &ContainerFacts,
    ) -> Option<(Confinement, Vec<Finding>)> {
        if Grader::joins_another(c) {
            return None;
        }
        let conf = confinement::resolve(c, host, &NoFleet);
        let findings = evaluate(c, host, &conf);
        Some((conf, findings))
    }

    // ---- the facts ----

    pub fn host(&self) -> &HostFacts {
        &self.host
    }

    pub fn len(&self) -> usize {
        self.containers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.containers.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&ContainerFacts> {
        self.containers.get(id).map(|c| &**c)
    }

    pub fn containers(&self) -> impl Iterator<Item = &ContainerFacts> {
        self.containers.values().map(|c| &**c)
    }

    pub fn ids(&self) -> Vec<String> {
        self.containers.keys().cloned().collect()
    }

    /// The state seawall last saw of a container.
    pub fn state_of(&self, id: &str) -> Option<ContainerState> {
        self.containers.get(id).map(|c| c.state)
    }

    fn unname(&mut self, c: &ContainerFacts) {
        if self.names.get(&c.name).is_some_and(|id| *id == c.id) {
            self.names.remove(&c.name);
        }
    }

    // ---- changes ----

    /// New host facts: every container must be regraded. Returns the graded posture and
    /// every container regraded.
    pub fn set_host(&mut self, host: HostFacts) -> (GradedHost, Vec<GradedContainer>) {
        self.host = host;
        (self.grade_host(), self.grade_all())
    }

    /// A full inventory (with the host facts read beside it): replaces everything. Returns
    /// the graded posture and every container graded.
    pub fn replace_all(
        &mut self,
        host: HostFacts,
        containers: Vec<ContainerFacts>,
    ) -> (GradedHost, Vec<GradedContainer>) {
        self.host = host;
        self.replace(containers);
        (self.grade_host(), self.grade_all())
    }

    /// Replace every container (ones not listed are gone), without grading.
    pub fn replace(&mut self, containers: impl IntoIterator<Item = ContainerFacts>) {
        self.containers.clear();
        self.names.clear();
        let containers = containers.into_iter();
        self.containers.reserve(containers.size_hint().0);
        for c in containers {
            self.store(c);
        }
    }

    fn store(&mut self, c: ContainerFacts) -> Option<Box<ContainerFacts>> {
        let old = self.containers.remove(&c.id);
        if let Some(old) = &old {
            self.unname(old);
        }
        self.names.insert(c.name.clone(), c.id.clone());
        self.containers.insert(c.id.clone(), Box::new(c));
        old
    }

    /// One container (re)read: stores it, grades it, and regrades the containers that join
    /// its namespaces (by its old name or its new one). Returns it graded, and the others.
    pub fn upsert(&mut self, c: ContainerFacts) -> (GradedContainer, Vec<GradedContainer>) {
        let id = c.id.clone();
        let new_name = c.name.clone();
        let old = self.store(c);
        let mut names = vec![new_name];
        if let Some(old) = old.filter(|o| o.name != names[0]) {
            names.push(old.name);
        }
        let dependents = self.dependents_of(&id, &names);
        let graded = self.grade(&id).expect("just stored");
        let regraded = dependents.iter().filter_map(|d| self.grade(d)).collect();
        (graded, regraded)
    }

    /// A container is gone: forgets it and regrades the containers that joined its
    /// namespaces (their references now point nowhere). Returns them.
    pub fn remove(&mut self, id: &str) -> Vec<GradedContainer> {
        let Some(old) = self.containers.remove(id) else {
            return Vec::new();
        };
        self.unname(&old);
        self.dependents_of(id, std::slice::from_ref(&old.name))
            .iter()
            .filter_map(|d| self.grade(d))
            .collect()
    }

    /// The ids of the containers that join the namespaces of container `id` (known by any
    /// of `names`), directly or through a chain, sorted. Not `id` itself.
    pub fn dependents_of(&self, id: &str, names: &[String]) -> Vec<String> {
        let mut found: HashSet<&str> = HashSet::new();
        let mut queue: Vec<(&str, Vec<&str>)> =
            vec![(id, names.iter().map(String::as_str).collect())];
        while let Some((target, target_names)) = queue.pop() {
            for o in self.containers.values() {
                if o.id == id || found.contains(o.id.as_str()) {
                    continue;
                }
                let joins = references(o).any(|r| may_name(r, target, &target_names));
                if joins {
                    found.insert(o.id.as_str());
                    queue.push((o.id.as_str(), vec![o.name.as_str()]));
                }
            }
        }
        let mut out: Vec<String> = found.into_iter().map(str::to_string).collect();
        out.sort();
        out
    }

    // ---- grading ----

    /// Grade one container against the host and the rest of the daemon.
    pub fn grade(&self, id: &str) -> Option<GradedContainer> {
        let c = self.containers.get(id)?;
        let confinement = confinement::resolve(c, &self.host, self);
        let findings = evaluate(c, &self.host, &confinement);
        Some(GradedContainer {
            score: score(&findings),
            facts: (**c).clone(),
            confinement,
            findings,
        })
    }

    /// Grade every container, sorted by name.
    pub fn grade_all(&self) -> Vec<GradedContainer> {
        let mut all: Vec<GradedContainer> = self
            .containers
            .keys()
            .filter_map(|id| self.grade(id))
            .collect();
        // A stable order (by name, as `docker ps` sorts) whatever the map's.
        all.sort_by(|a, b| a.facts.name.cmp(&b.facts.name));
        all
    }

    /// The daemon posture.
    pub fn grade_host(&self) -> GradedHost {
        let findings = evaluate_host(&self.host);
        GradedHost {
            score: score(&findings),
            facts: self.host.clone(),
            findings,
        }
    }
}

impl Lookup for Grader {
    /// An exact id or name, else a unique id prefix of 4+ characters (as the daemon does).
    fn find(&self, reference: &str) -> Option<&ContainerFacts> {
        let reference = reference.trim_start_matches('/');
        if let Some(c) = self.containers.get(reference) {
            return Some(c);
        }
        if let Some(c) = self
            .names
            .get(reference)
            .and_then(|id| self.containers.get(id))
        {
            return Some(c);
        }
        if reference.len() >= 4 {
            let mut hits = self
                .containers
                .values()
                .filter(|c| c.id.starts_with(reference));
            if let (Some(c), None) = (hits.next(), hits.next()) {
                return Some(c);
            }
        }
        None
    }
}

/// No other container (for one that joins none).
struct NoFleet;

impl Lookup for NoFleet {
    fn find(&self, _reference: &str) -> Option<&ContainerFacts> {
        None
    }
}

/// Every container rule for one container, worst first.
fn evaluate(c: &ContainerFacts, host: &HostFacts, conf: &Confinement) -> Vec<Finding> {
    let ctx = Ctx { c, host, conf };
    let mut out = Vec::new();
    for check in rules::CHECKS {
        check(&ctx, &mut out);
    }
    host::container_cves(&ctx, &mut out);
    sort_findings(&mut out);
    // Kept for as long as the container is: no spare capacity from the pushes.
    out.shrink_to_fit();
    out
}

/// The daemon posture rules, worst first.
fn evaluate_host(host: &HostFacts) -> Vec<Finding> {
    let mut out = host::posture(host);
    sort_findings(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::confinement::NsTarget;
    use crate::risk::rules::test_support::{container, default_host};

    fn facts(id: &str, name: &str, overlay: &str) -> ContainerFacts {
        let mut c = container(overlay);
        c.id = id.into();
        c.name = name.into();
        c
    }

    fn ids(graded: &[GradedContainer]) -> Vec<&str> {
        let mut v: Vec<&str> = graded.iter().map(|g| g.facts.id.as_str()).collect();
        v.sort();
        v
    }

    fn has(g: &GradedContainer, rule: &str) -> bool {
        g.findings.iter().any(|f| f.id == rule)
    }

    /// `web` (aaaa...), `byid` joins its pid namespace by id prefix, `byname` its network
    /// by name, `alone` joins nothing.
    fn fleet() -> Grader {
        let mut g = Grader::new(default_host());
        g.replace(vec![
            facts("aaaa1111", "web", "{}"),
            facts(
                "bbbb2222",
                "byid",
                r#"{"HostConfig":{"PidMode":"container:aaaa"}}"#,
            ),
            facts(
                "cccc3333",
                "byname",
                r#"{"HostConfig":{"NetworkMode":"container:web"}}"#,
            ),
            facts("dddd4444", "alone", "{}"),
        ]);
        g
    }

    #[test]
    fn dependents_by_id_prefix_and_by_name() {
        let mut g = fleet();
        let (graded, regraded) = g.upsert(facts(
            "aaaa1111",
            "web",
            r#"{"HostConfig":{"PidMode":"host"}}"#,
        ));
        assert!(has(&graded, "SW-NS-001"));
        assert_eq!(ids(&regraded), ["bbbb2222", "cccc3333"]);
        let byid = regraded.iter().find(|g| g.facts.name == "byid").unwrap();
        assert!(has(byid, "SW-NS-001"), "pid host reached through web");
        assert_eq!(
            byid.confinement.pid,
            NsTarget::Host {
                via: vec!["web".into()]
            }
        );
        // A container nobody joins regrades only itself.
        let (_, regraded) = g.upsert(facts(
            "dddd4444",
            "alone",
            r#"{"HostConfig":{"Privileged":true}}"#,
        ));
        assert!(regraded.is_empty());
    }

    #[test]
    fn a_rename_regrades_the_containers_that_used_the_old_name() {
        let mut g = fleet();
        let (_, regraded) = g.upsert(facts("aaaa1111", "web2", "{}"));
        assert_eq!(ids(&regraded), ["bbbb2222", "cccc3333"]);
        let byname = regraded.iter().find(|g| g.facts.name == "byname").unwrap();
        assert_eq!(
            byname.confinement.net,
            NsTarget::Unknown {
                reference: "web".into()
            }
        );
    }

    #[test]
    fn a_container_chain_resolves_and_regrades_transitively() {
        let mut g = Grader::new(default_host());
        g.replace(vec![
            facts("aaaa1111", "root", "{}"),
            facts(
                "bbbb2222",
                "mid",
                r#"{"HostConfig":{"PidMode":"container:root"}}"#,
            ),
            facts(
                "cccc3333",
                "leaf",
                r#"{"HostConfig":{"PidMode":"container:mid"}}"#,
            ),
        ]);
        let leaf = g.grade("cccc3333").unwrap();
        assert!(!has(&leaf, "SW-NS-001"));
        assert_eq!(
            leaf.confinement.pid,
            NsTarget::Container {
                name: "root".into()
            }
        );
        let (_, regraded) = g.upsert(facts(
            "aaaa1111",
            "root",
            r#"{"HostConfig":{"PidMode":"host"}}"#,
        ));
        assert_eq!(ids(&regraded), ["bbbb2222", "cccc3333"]);
        let leaf = regraded.iter().find(|g| g.facts.name == "leaf").unwrap();
        assert_eq!(
            leaf.confinement.pid,
            NsTarget::Host {
                via: vec!["mid".into(), "root".into()]
            }
        );
        assert!(has(leaf, "SW-NS-001"));
        assert_eq!(
            g.grade("cccc3333").unwrap(),
            *leaf,
            "stored, not only returned"
        );
    }

    #[test]
    fn removing_a_container_regrades_the_ones_that_joined_it() {
        let mut g = fleet();
        let regraded = g.remove("aaaa1111");
        assert_eq!(ids(&regraded), ["bbbb2222", "cccc3333"]);
        assert!(g.get("aaaa1111").is_none());
        assert!(g.remove("aaaa1111").is_empty(), "gone already");
        assert!(matches!(
            g.grade("bbbb2222").unwrap().confinement.pid,
            NsTarget::Unknown { .. }
        ));
    }

    #[test]
    fn host_facts_change_regrades_everything() {
        let mut g = fleet();
        let before = g.grade("dddd4444").unwrap();
        let mut host = default_host();
        host.security.userns_remap = true;
        let (posture, regraded) = g.set_host(host.clone());
        assert_eq!(posture.facts, host);
        assert_eq!(
            ids(&regraded),
            ["aaaa1111", "bbbb2222", "cccc3333", "dddd4444"]
        );
        let after = regraded.iter().find(|g| g.facts.id == "dddd4444").unwrap();
        assert!(before.confinement.root_is_host_root);
        assert!(!after.confinement.root_is_host_root);
        assert_ne!(before.findings, after.findings);
    }

    #[test]
    fn grading_alone_equals_grading_in_the_fleet_for_a_container_that_joins_none() {
        let g = fleet();
        let web = g.get("aaaa1111").unwrap();
        let (conf, findings) = Grader::grade_alone(g.host(), web).unwrap();
        let graded = g.grade("aaaa1111").unwrap();
        assert_eq!((conf, findings), (graded.confinement, graded.findings));
        assert!(Grader::grade_alone(g.host(), g.get("bbbb2222").unwrap()).is_none());
        assert!(Grader::joins_another(g.get("cccc3333").unwrap()));
    }

    #[test]
    fn lookup_by_id_name_and_unique_prefix() {
        let g = fleet();
        assert_eq!(g.find("aaaa1111").unwrap().name, "web");
        assert_eq!(g.find("/web").unwrap().name, "web");
        assert_eq!(g.find("bbbb").unwrap().name, "byid");
        assert!(g.find("bbb").is_none(), "too short");
        assert!(g.find("nope").is_none());
    }
}
