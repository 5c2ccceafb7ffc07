//! What-if fixes over the compose fixtures: the plan, the predicted score (the same rules
//! on the changed configuration) and the patched compose document.

use super::*;
use crate::compose::{self, interpolate::Vars};
use std::path::Path;

fn project(name: &str) -> compose::Project {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/compose")
        .join(name);
    compose::load(&path, Some(Vars::default())).expect("fixture loads")
}

fn plans(p: &compose::Project) -> Vec<(String, FixPlan)> {
    let host = compose::assumed_host();
    let keep = |f: &Finding| !compose::needs_daemon(f);
    compose::grade(p, &host)
        .into_iter()
        .map(|g| {
            let findings: Vec<Finding> = g.findings.iter().map(|(f, _)| f.clone()).collect();
            (g.service.clone(), plan(&g.facts, &findings, &host, &keep))
        })
        .collect()
}

fn change<'a>(p: &'a FixPlan, finding: &str) -> &'a Change {
    p.changes
        .iter()
        .find(|c| c.finding == finding)
        .unwrap_or_else(|| panic!("no change for {finding}: {:?}", p.changes))
}

#[test]
fn the_plan_says_each_change_and_predicts_the_score() {
    let p = project("risky.yml");
    let all = plans(&p);
    let web = &all.iter().find(|(n, _)| n == "web").unwrap().1;
    assert_eq!(web.score, 91);
    assert!(web.predicted_score < 20, "{}", web.predicted_score);
    let sock = change(web, "SW-MNT-001");
    assert_eq!(
        sock.compose,
        "volumes: remove the entry for /var/run/docker.sock"
    );
    assert!(sock.breaking.is_some());
    let nnp = change(web, "SW-SEC-004");
    assert_eq!(nnp.run_flag, "--security-opt no-new-privileges:true");
    assert!(nnp.breaking.is_none());
    assert!(
        change(web, "SW-HARD-001").breaking.is_some(),
        "read-only rootfs"
    );
    // The predicted score is the grade of the changed facts.
    let again = compose::grade_facts(&web.hardened, &compose::assumed_host());
    assert_eq!(crate::risk::score(&again).value, web.predicted_score);
    assert!(web.removed.iter().any(|f| f.id == "SW-MNT-001"));

    // Dropping privileged uncovers SYS_ADMIN: planned too.
    let admin = &all.iter().find(|(n, _)| n == "admin").unwrap().1;
    assert_eq!(change(admin, "SW-PRIV-001").run_flag, "remove --privileged");
    assert_eq!(
        change(admin, "SW-CAP-SYS_ADMIN").compose,
        "cap_add: remove SYS_ADMIN"
    );
    assert!(admin.predicted_score < 20, "{}", admin.predicted_score);

    let json: serde_json::Value = serde_json::from_str(&render_json(web)).unwrap();
    for key in ["container", "score", "predicted_score", "changes"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    for key in ["finding", "run_flag", "compose"] {
        assert!(json["changes"][0].get(key).is_some(), "{key}");
    }
}

#[test]
fn the_patched_document_scores_as_predicted_and_keeps_the_rest() {
    let p = project("risky.yml");
    let all = plans(&p);
    let targets: Vec<(&compose::load::Service, &[Change])> = all
        .iter()
        .map(|(n, plan)| (p.service(n).unwrap(), plan.changes.as_slice()))
        .collect();
    let patched = compose_patch::patch(&p, &targets);
    let text = &patched.text;
    // Comments and untouched keys stay; changes that can break are marked.
    assert!(text.starts_with("# A compose file with a bit of everything risky.\n"));
    assert!(text.contains("    image: nginx:${NGINX_TAG:-1.27}\n"));
    assert!(text.contains("privileged: false # seawall: may break:"));
    assert!(!text.contains("pid: host"));
    assert!(!text.contains("docker.sock"));
    assert!(!text.contains("hunter2"), "the secret variable is removed");
    assert!(text.contains("\"127.0.0.1:80:80\""));
    assert!(text.contains("      - \"no-new-privileges:true\"\n"));
    assert!(!text.contains("cap_add:"), "every added capability removed");
    assert!(patched.notes.iter().any(|n| n.contains("healthcheck")));

    // Scanned again, web scores what was predicted.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compose.yml");
    std::fs::write(&path, text).unwrap();
    let again = compose::load(&path, Some(Vars::default())).expect("patched file parses");
    let graded = compose::grade(&again, &compose::assumed_host());
    for (name, plan) in &all {
        let g = graded.iter().find(|g| &g.service == name).unwrap();
        if name == "admin" {
            // Its healthcheck is a note (no command can be made up): one hygiene finding.
            assert!(g.score.value <= plan.predicted_score + 5);
        } else {
            assert_eq!(g.score.value, plan.predicted_score, "{name}");
        }
    }

    let diff = compose_patch::unified_diff(&p.files[0].text, text, "risky.yml");
    assert!(diff.contains("-    privileged: true   # needed for the old agent\n"));
    assert!(diff.contains("+    privileged: false"));
    assert!(diff.starts_with("--- a/risky.yml\n+++ b/risky.yml\n"));
}

#[test]
fn extended_keys_are_left_as_notes() {
    let mut vars = std::collections::HashMap::new();
    vars.insert("DATA_DIR".to_string(), "/srv".to_string());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compose/extends.yml");
    let p = compose::load(&path, Some(Vars::new(vars))).unwrap();
    let all = plans(&p);
    let app = &all.iter().find(|(n, _)| n == "app").unwrap().1;
    let targets = vec![(p.service("app").unwrap(), app.changes.as_slice())];
    let patched = compose_patch::patch(&p, &targets);
    assert!(
        patched
            .notes
            .iter()
            .any(|n| n.contains("network_mode comes from the service it extends")),
        "{:?}",
        patched.notes
    );
    assert!(patched.text.contains("    user: \"1000:1000\""));
}
