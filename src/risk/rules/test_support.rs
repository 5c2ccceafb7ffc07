//! Test helpers: build a container from a captured inspect document with a JSON overlay,
//! run every rule over it, and look findings up by id.

use crate::model::{ContainerFacts, HostFacts, VolumeBacking, convert};
use crate::risk::{Finding, Grader};
use serde_json::Value;
use std::collections::HashMap;

/// A real `docker create` of the test image (engine 20.10), captured once.
const BASE: &str = include_str!("../../../tests/fixtures/inspect_default_created.json");

/// Recursively overlay `patch` onto `base` (objects merge, `null` removes a key,
/// everything else replaces).
pub fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    b.remove(k);
                } else {
                    merge(b.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// A typical modern host: AppArmor, built-in seccomp, cgroup v2, no userns-remap.
pub fn default_host() -> HostFacts {
    let mut h = HostFacts {
        endpoint: "unix:///var/run/docker.sock".into(),
        cgroup_version: "2".into(),
        security_options: vec![
            "name=apparmor".into(),
            "name=seccomp,profile=builtin".into(),
            "name=cgroupns".into(),
        ],
        ..Default::default()
    };
    h.security = convert::daemon_security(&h.security_options);
    h
}

/// Facts for the base container with `overlay` (inspect JSON) applied.
pub fn container(overlay: &str) -> ContainerFacts {
    container_with_volumes(overlay, &HashMap::new())
}

pub fn container_with_volumes(
    overlay: &str,
    volumes: &HashMap<String, VolumeBacking>,
) -> ContainerFacts {
    let mut doc: Value = serde_json::from_str(BASE).expect("base fixture");
    // The capture comes from a cgroup v1 host; the default test host is cgroup v2, where the
    // daemon's default cgroup namespace is private.
    merge(
        &mut doc,
        &serde_json::json!({"HostConfig": {"CgroupnsMode": "private"}}),
    );
    let patch: Value = serde_json::from_str(overlay).expect("overlay is JSON");
    merge(&mut doc, &patch);
    let inspect = serde_json::from_value(doc).expect("inspect parses");
    convert::container(&inspect, volumes)
}

pub fn findings_with_host(overlay: &str, host: &HostFacts) -> Vec<Finding> {
    grade(container(overlay), host)
}

/// Grade one container on `host`, alone on its daemon.
pub fn grade(c: ContainerFacts, host: &HostFacts) -> Vec<Finding> {
    Grader::new(host.clone()).upsert(c).0.findings
}

pub fn findings_for(overlay: &str) -> Vec<Finding> {
    findings_with_host(overlay, &default_host())
}

pub fn find<'a>(findings: &'a [Finding], id: &str) -> Option<&'a Finding> {
    findings.iter().find(|f| f.id == id)
}

pub fn ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.id.as_ref()).collect()
}
