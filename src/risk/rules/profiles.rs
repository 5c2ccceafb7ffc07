//! CIS 5.2, 5.3, 5.22, 5.26 and related SecurityOpt settings: seccomp, AppArmor, SELinux,
//! no-new-privileges, unmasked system paths and writable cgroups. Each LSM rule is gated on
//! what `/info` says the daemon supports.

use super::super::confinement::{AppArmor, SeLinux, Seccomp};
use super::super::{Ctx, Finding, RuleMeta, Severity};

const fn p(
    id: &'static str,
    severity: Severity,
    cis: Option<&'static str>,
    title: &'static str,
    technique: &'static str,
    fix: &'static str,
) -> RuleMeta {
    RuleMeta::container(id, severity, cis, title, technique, fix)
}

pub const SECCOMP_OFF: RuleMeta = p(
    "SW-SEC-001",
    Severity::High,
    Some("5.22"),
    "Seccomp filtering disabled",
    "Without the syscall filter every kernel entry point is reachable: unshare into a new user \
     namespace, keyctl, bpf, userfaultfd... the paths most kernel privilege escalations \
     (CVE-2022-0185, CVE-2022-0492, nf_tables bugs) start from.",
    "Remove --security-opt seccomp=unconfined (compose: security_opt); if a syscall is missing, \
     ship a custom profile that adds just that one.",
);
pub const APPARMOR_OFF: RuleMeta = p(
    "SW-SEC-002",
    Severity::High,
    Some("5.2"),
    "AppArmor confinement disabled",
    "docker-default denies mount, writes to /proc/sys and most of /sys, and ptrace of \
     unconfined processes. Without it, CAP_SYS_ADMIN mount escapes and core_pattern / \
     uevent_helper tricks work.",
    "Remove --security-opt apparmor=unconfined (compose: security_opt); use a tailored profile \
     instead of none.",
);
pub const SELINUX_OFF: RuleMeta = p(
    "SW-SEC-003",
    Severity::High,
    Some("5.3"),
    "SELinux labelling disabled",
    "label=disable runs the container without the container_t type, so SELinux no longer \
     stops it from touching host files and processes that DAC would allow.",
    "Remove --security-opt label=disable (compose: security_opt).",
);
pub const NO_NNP: RuleMeta = p(
    "SW-SEC-004",
    Severity::Medium,
    Some("5.26"),
    "no-new-privileges not set",
    "setuid and file-capability binaries can still raise privileges inside the container, so a \
     non-root USER is only a speed bump (su, sudo, or a planted setuid shell).",
    "Add --security-opt no-new-privileges (compose: security_opt: [\"no-new-privileges:true\"]) \
     or set \"no-new-privileges\": true in daemon.json.",
);
pub const SYSTEMPATHS: RuleMeta = p(
    "SW-SEC-005",
    Severity::High,
    None,
    "Masked /proc and /sys paths exposed",
    "systempaths=unconfined (or an emptied MaskedPaths/ReadonlyPaths list) lets the container \
     write /proc/sys, /proc/sysrq-trigger and read /proc/kcore: the core_pattern and sysrq \
     vectors are back.",
    "Remove --security-opt systempaths=unconfined and any MaskedPaths/ReadonlyPaths override.",
);
pub const WRITABLE_CGROUPS: RuleMeta = p(
    "SW-SEC-006",
    Severity::High,
    None,
    "Writable cgroup filesystem",
    "writable-cgroups mounts /sys/fs/cgroup read-write: on cgroup v1 that is the release_agent \
     escape, on v2 host resource controls can be changed.",
    "Remove --security-opt writable-cgroups (compose: security_opt).",
);
pub const SECCOMP_UNSUPPORTED: RuleMeta = p(
    "SW-SEC-007",
    Severity::Medium,
    Some("5.22"),
    "No seccomp filter available on this daemon",
    "The daemon reports no seccomp support, so no container has a syscall filter.",
    "Run the daemon on a kernel with CONFIG_SECCOMP and a libseccomp-enabled build.",
);
pub const NO_SELINUX_LABEL: RuleMeta = p(
    "SW-SEC-008",
    Severity::Info,
    Some("5.3"),
    "No explicit SELinux options",
    "SELinux is enabled on the daemon and applies the default container type; no custom level \
     or type was chosen.",
    "Optionally set --security-opt label=type:<t> / label=level:<l> for stricter separation.",
);

pub const META: &[RuleMeta] = &[
    SECCOMP_OFF,
    APPARMOR_OFF,
    SELINUX_OFF,
    NO_NNP,
    SYSTEMPATHS,
    WRITABLE_CGROUPS,
    SECCOMP_UNSUPPORTED,
    NO_SELINUX_LABEL,
];

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let c = ctx.c;
    let conf = ctx.conf;
    let implied_by_privileged = |f: Finding| if c.privileged { f.implied() } else { f };

    match &conf.seccomp {
        Seccomp::Unconfined(why) => out.push(implied_by_privileged(SECCOMP_OFF.finding(*why))),
        Seccomp::Unsupported => {
            out.push(SECCOMP_UNSUPPORTED.finding("/info SecurityOptions has no name=seccomp entry"))
        }
        Seccomp::Default | Seccomp::Custom => {}
    }

    if let AppArmor::Unconfined(why) = &conf.apparmor {
        out.push(implied_by_privileged(APPARMOR_OFF.finding(format!(
            "{why} (AppArmorProfile = {:?})",
            c.apparmor_profile
        ))));
    }

    match &conf.selinux {
        SeLinux::Disabled(why) => out.push(implied_by_privileged(SELINUX_OFF.finding(*why))),
        SeLinux::Enforced if c.security_opt_values("label").next().is_none() => {
            out.push(NO_SELINUX_LABEL.finding("HostConfig.SecurityOpt has no label= entry"))
        }
        _ => {}
    }

    if !conf.no_new_privileges {
        let evidence = if c
            .security_opt
            .iter()
            .any(|o| o.starts_with("no-new-privileges"))
        {
            "HostConfig.SecurityOpt sets no-new-privileges to false"
        } else {
            "HostConfig.SecurityOpt has no no-new-privileges and the daemon does not set it"
        };
        out.push(NO_NNP.finding(evidence));
    }

    // The daemon fills MaskedPaths at create time; an empty list means someone cleared it.
    let masked_cleared = c.masked_paths.as_ref().is_some_and(|m| m.is_empty());
    if c.has_security_opt("systempaths", "unconfined") {
        out.push(implied_by_privileged(SYSTEMPATHS.finding(
            "HostConfig.SecurityOpt contains systempaths=unconfined",
        )));
    } else if masked_cleared && !c.privileged {
        out.push(SYSTEMPATHS.finding("HostConfig.MaskedPaths is empty"));
    }

    if c.has_bare_security_opt("writable-cgroups") || c.has_security_opt("writable-cgroups", "true")
    {
        let mut f = WRITABLE_CGROUPS.finding("HostConfig.SecurityOpt contains writable-cgroups");
        if ctx.host.cgroup_version == "1" {
            f = f.with_severity(Severity::Critical).host_root();
        }
        out.push(implied_by_privileged(f));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::risk::{Severity, Weighting};

    #[test]
    fn seccomp_unconfined_is_high() {
        let f = findings_for(r#"{"HostConfig":{"SecurityOpt":["seccomp=unconfined"]}}"#);
        let x = find(&f, "SW-SEC-001").unwrap();
        assert_eq!(x.severity, Severity::High);
        assert_eq!(x.cis.as_deref(), Some("5.22"));
        // legacy colon form
        let f = findings_for(r#"{"HostConfig":{"SecurityOpt":["seccomp:unconfined"]}}"#);
        assert!(find(&f, "SW-SEC-001").is_some());
        assert!(find(&findings_for("{}"), "SW-SEC-001").is_none());
    }

    #[test]
    fn privileged_implies_no_seccomp_and_no_apparmor() {
        let f = findings_for(r#"{"HostConfig":{"Privileged":true}}"#);
        let x = find(&f, "SW-SEC-001").expect("privileged disables seccomp");
        assert_eq!(x.weighting, Weighting::Implied);
        assert!(x.evidence.contains("Privileged"));
        assert_eq!(
            find(&f, "SW-SEC-002").unwrap().weighting,
            Weighting::Implied
        );
    }

    #[test]
    fn apparmor_rule_is_gated_on_daemon_support() {
        let overlay = r#"{"HostConfig":{"SecurityOpt":["apparmor=unconfined"]}}"#;
        assert!(find(&findings_for(overlay), "SW-SEC-002").is_some());
        let mut host = default_host();
        host.security.apparmor = false;
        assert!(find(&findings_with_host(overlay, &host), "SW-SEC-002").is_none());
    }

    #[test]
    fn selinux_rules_are_gated_on_daemon_support() {
        let overlay = r#"{"HostConfig":{"SecurityOpt":["label=disable"]}}"#;
        assert!(find(&findings_for(overlay), "SW-SEC-003").is_none());
        let mut host = default_host();
        host.security.selinux = true;
        let f = findings_with_host(overlay, &host);
        assert_eq!(find(&f, "SW-SEC-003").unwrap().severity, Severity::High);
        let f = findings_with_host("{}", &host);
        assert_eq!(find(&f, "SW-SEC-008").unwrap().severity, Severity::Info);
    }

    #[test]
    fn no_new_privileges_parses_the_boolean() {
        assert!(find(&findings_for("{}"), "SW-SEC-004").is_some());
        for ok in [
            "no-new-privileges",
            "no-new-privileges=true",
            "no-new-privileges:true",
        ] {
            let f = findings_for(&format!(r#"{{"HostConfig":{{"SecurityOpt":["{ok}"]}}}}"#));
            assert!(find(&f, "SW-SEC-004").is_none(), "{ok}");
        }
        let f = findings_for(r#"{"HostConfig":{"SecurityOpt":["no-new-privileges=false"]}}"#);
        assert!(find(&f, "SW-SEC-004").unwrap().evidence.contains("false"));
        let mut host = default_host();
        host.security.no_new_privileges = true;
        assert!(find(&findings_with_host("{}", &host), "SW-SEC-004").is_none());
    }

    #[test]
    fn systempaths_and_writable_cgroups() {
        let f = findings_for(r#"{"HostConfig":{"SecurityOpt":["systempaths=unconfined"]}}"#);
        assert!(find(&f, "SW-SEC-005").is_some());
        let mut host = default_host();
        host.cgroup_version = "1".into();
        let f = findings_with_host(
            r#"{"HostConfig":{"SecurityOpt":["writable-cgroups=true"]}}"#,
            &host,
        );
        assert_eq!(find(&f, "SW-SEC-006").unwrap().severity, Severity::Critical);
    }

    #[test]
    fn seccomp_unsupported_daemon() {
        let mut host = default_host();
        host.security_options = vec!["name=apparmor".into()];
        host.security.seccomp_profile = None;
        let f = findings_with_host("{}", &host);
        assert!(find(&f, "SW-SEC-007").is_some());
    }
}
