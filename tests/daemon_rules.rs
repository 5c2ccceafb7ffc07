//! Real-daemon integration tests: each test creates real containers covering one rule
//! family (in parallel, created-only where the state does not matter), runs one
//! `seawall scan --format json` filtered on the test's own run label, and checks the rule
//! ids, severities, CIS labels, evidence and scores that seawall reports.
//!
//! On these VMs a container with `--privileged` or `--cap-add ALL` can be created and
//! inspected but not started (a capability is missing), so those cases are created only.
//!
//! Without a Docker daemon the tests print SKIPPED and pass, except in CI, where they fail.

mod common;

use common::{Report, Spec, TestDaemon, docker, image, raised};
use std::path::Path;

/// The expected severity of a read-only bind mount of a sensitive path: engines before 25
/// (or kernels before 5.12) do not make `ro` recursive, so submounts stay writable and
/// seawall raises the severity by one.
fn ro_sev(r: &Report, base: &'static str) -> &'static str {
    if r.read_only_is_recursive() {
        base
    } else {
        raised(base)
    }
}

/// `host_root` weighting when container root is host root (no userns-remap, not rootless).
fn host_root_weight(d: &TestDaemon) -> Option<&'static str> {
    d.info.root_is_host_root().then_some("host_root")
}

#[test]
fn privileged_container_is_critical_created_only() {
    let Some(d) = TestDaemon::get() else { return };
    // Created only: a privileged container cannot start on these VMs.
    let cs = d.containers(vec![
        Spec::created("privileged", &["--privileged"]),
        Spec::created("default", &[]),
    ]);
    let (privileged, default) = (&cs[0], &cs[1]);
    let r = d.scan(&[]);

    assert_eq!(r.state(privileged), "created");
    r.finding(privileged, "SW-PRIV-001")
        .severity(d.host_root_sev("critical"))
        .cis("5.5")
        .evidence("HostConfig.Privileged = true")
        .weighting(host_root_weight(&d));
    if d.info.root_is_host_root() {
        assert!(
            r.score(privileged) >= 90,
            "privileged scores >= 90: {}",
            r.summary(privileged)
        );
        assert_eq!(r.band(privileged), "critical", "{}", r.summary(privileged));
    }
    // Privileged turns seccomp off: shown, but implied (weighs nothing on its own).
    r.finding(privileged, "SW-SEC-001")
        .severity("high")
        .cis("5.22")
        .evidence("Privileged")
        .weighting(Some("implied"));
    // Every capability is implied by privileged: no separate capability findings.
    r.lacks_prefix(privileged, "SW-CAP-");

    r.lacks(default, "SW-PRIV-001");
    r.lacks(default, "SW-SEC-001");
    assert!(
        r.score(default) < r.score(privileged),
        "default {} < privileged {}",
        r.summary(default),
        r.summary(privileged)
    );
}

#[test]
fn capabilities() {
    let Some(d) = TestDaemon::get() else { return };
    let cs = d.containers(vec![
        Spec::running("cap-sys-admin", &["--cap-add", "SYS_ADMIN"]),
        Spec::created("cap-sys-admin-prefixed", &["--cap-add", "CAP_SYS_ADMIN"]),
        Spec::created("cap-ptrace", &["--cap-add", "SYS_PTRACE"]),
        Spec::created(
            "cap-ptrace-hostpid",
            &["--cap-add", "SYS_PTRACE", "--pid", "host"],
        ),
        Spec::created("cap-sys-module", &["--cap-add", "SYS_MODULE"]),
        Spec::created("cap-dac-read-search", &["--cap-add", "DAC_READ_SEARCH"]),
        Spec::created("cap-net-admin", &["--cap-add", "NET_ADMIN"]),
        Spec::created("cap-drop-all", &["--cap-drop", "ALL"]),
        // Created only: every capability cannot be granted to a running container here.
        Spec::created("cap-all", &["--cap-add", "ALL"]),
        Spec::created("cap-default", &[]),
    ]);
    let [
        sys_admin,
        sys_admin_prefixed,
        ptrace,
        ptrace_hostpid,
        sys_module,
        dac,
        net_admin,
        drop_all,
        all,
        default,
    ] = &cs[..]
    else {
        unreachable!()
    };
    let r = d.scan(&[]);
    let sev = |s: &'static str| d.host_root_sev(s);

    // SYS_ADMIN: high, critical when no AppArmor / SELinux confines the container.
    let sys_admin_sev = if d.info.has_lsm() { "high" } else { "critical" };
    for c in [sys_admin, sys_admin_prefixed] {
        let f = r.finding(c, "SW-CAP-SYS_ADMIN");
        f.severity(sev(sys_admin_sev))
            .evidence("HostConfig.CapAdd contains SYS_ADMIN");
        assert!(
            f.cis.as_deref().is_some_and(|c| c.starts_with("5.4")),
            "SYS_ADMIN cis: {f:?}"
        );
        if !d.info.has_lsm() {
            f.title_has("no AppArmor or SELinux");
        }
    }
    assert_eq!(r.state(sys_admin), "running");

    r.finding(ptrace, "SW-CAP-SYS_PTRACE")
        .severity(sev("high"))
        .evidence("CapAdd contains SYS_PTRACE");
    // With the host PID namespace, ptrace reaches host root processes.
    r.finding(ptrace_hostpid, "SW-CAP-SYS_PTRACE")
        .severity(sev("critical"))
        .title_has("host PID namespace");
    r.finding(ptrace_hostpid, "SW-NS-001").severity("high");

    r.finding(sys_module, "SW-CAP-SYS_MODULE")
        .severity(sev("critical"))
        .evidence("CapAdd contains SYS_MODULE")
        .weighting(host_root_weight(&d));
    r.finding(dac, "SW-CAP-DAC_READ_SEARCH")
        .severity(sev("critical"))
        .evidence("CapAdd contains DAC_READ_SEARCH")
        .weighting(host_root_weight(&d));
    if d.info.root_is_host_root() {
        for c in [sys_module, dac] {
            assert!(r.score(c) >= 90, "host-root capability: {}", r.summary(c));
        }
    }
    r.finding(net_admin, "SW-CAP-NET_ADMIN")
        .severity(sev("medium"))
        .cis("5.4")
        .evidence("CapAdd contains NET_ADMIN");

    // The default set keeps NET_RAW and does not drop ALL.
    r.finding(default, "SW-CAP-NET_RAW")
        .severity(sev("medium"))
        .evidence("default set");
    r.finding(default, "SW-CAP-DROPALL")
        .severity("low")
        .cis("5.4")
        .evidence("CapDrop does not contain ALL")
        .weighting(Some("hygiene"));
    for id in [
        "SW-CAP-SYS_ADMIN",
        "SW-CAP-SYS_PTRACE",
        "SW-CAP-SYS_MODULE",
        "SW-CAP-NET_ADMIN",
        "SW-CAP-ALL",
    ] {
        r.lacks(default, id);
    }

    // --cap-drop ALL removes NET_RAW and the drop-all finding: no capability finding left.
    r.lacks(drop_all, "SW-CAP-NET_RAW");
    r.lacks(drop_all, "SW-CAP-DROPALL");
    r.lacks_prefix(drop_all, "SW-CAP-");
    assert!(
        r.score(drop_all) < r.score(default),
        "drop ALL scores below the default: {} vs {}",
        r.summary(drop_all),
        r.summary(default)
    );

    // --cap-add ALL: one critical finding; the individual capabilities are implied.
    r.finding(all, "SW-CAP-ALL")
        .severity(sev("critical"))
        .evidence("CapAdd contains ALL")
        .weighting(host_root_weight(&d));
    r.finding(all, "SW-CAP-SYS_ADMIN")
        .weighting(Some("implied"))
        .evidence("includes SYS_ADMIN");
    assert_eq!(r.state(all), "created");
    if d.info.root_is_host_root() {
        assert!(r.score(all) >= 90, "{}", r.summary(all));
        assert_eq!(r.band(all), "critical", "{}", r.summary(all));
    }
}

#[test]
fn sensitive_mounts() {
    let Some(d) = TestDaemon::get() else { return };
    // A plain host directory under /tmp, and a bind-backed named volume over /etc.
    let plain_dir = tempfile::Builder::new()
        .prefix("sw-it-plain-")
        .tempdir_in("/tmp")
        .expect("temp dir in /tmp");
    let prop_dir = tempfile::Builder::new()
        .prefix("sw-it-prop-")
        .tempdir_in("/tmp")
        .expect("temp dir in /tmp");
    let plain_path = plain_dir.path().to_str().unwrap().to_string();
    let prop_path = prop_dir.path().to_str().unwrap().to_string();
    let etc_volume = d.volume(
        "etc-bind-volume",
        &["-o", "type=none", "-o", "o=bind", "-o", "device=/etc"],
    );
    let plain_volume = d.volume("plain-volume", &[]);
    let run_volume = d.volume(
        "run-bind-volume",
        &["-o", "type=none", "-o", "o=bind", "-o", "device=/var/run"],
    );
    let has_boot = Path::new("/boot").is_dir();

    // The socket again, through a symlink: the daemon follows it, the inspect names the link.
    let sock_link = plain_dir.path().join("sock-link");
    std::os::unix::fs::symlink("/var/run/docker.sock", &sock_link).expect("symlink");
    let sock_link_bind = format!("{}:/var/run/docker.sock", sock_link.display());
    // And the socket's directory through a symlink, mounted where it belongs.
    let run_link = plain_dir.path().join("run-link");
    std::os::unix::fs::symlink("/var/run", &run_link).expect("symlink");
    let run_link_bind = format!("{}:/var/run", run_link.display());
    let plain_bind = format!("{plain_path}:/data");
    let etc_volume_bind = format!("{etc_volume}:/data");
    let plain_volume_bind = format!("{plain_volume}:/data");
    let run_volume_bind = format!("{run_volume}:/host-run");
    let mut specs = vec![
        Spec::running(
            "mnt-docker-sock-ro",
            &["-v", "/var/run/docker.sock:/var/run/docker.sock:ro"],
        ),
        Spec::created("mnt-sock-symlink", &["-v", &sock_link_bind]),
        Spec::created("mnt-run-symlink", &["-v", &run_link_bind]),
        Spec::created("mnt-root-ro", &["-v", "/:/host:ro"]),
        Spec::running("mnt-etc-rw", &["-v", "/etc:/host-etc"]),
        Spec::created("mnt-etc-ro", &["-v", "/etc:/host-etc:ro"]),
        Spec::created("mnt-proc-ro", &["-v", "/proc:/host-proc:ro"]),
        Spec::created("mnt-sys-ro", &["-v", "/sys:/host-sys:ro"]),
        Spec::created("mnt-dev-rw", &["-v", "/dev:/host-dev"]),
        Spec::created("mnt-root-home-ro", &["-v", "/root:/host-root:ro"]),
        Spec::created(
            "mnt-docker-data-ro",
            &["-v", "/var/lib/docker:/host-docker:ro"],
        ),
        Spec::created("mnt-tmp-dir", &["-v", &plain_bind]),
        Spec::created(
            "mnt-localtime-ro",
            &["-v", "/etc/localtime:/etc/localtime:ro"],
        ),
        Spec::running("mnt-etc-named-volume", &["-v", &etc_volume_bind]),
        Spec::created("mnt-plain-named-volume", &["-v", &plain_volume_bind]),
        Spec::created("mnt-run-named-volume", &["-v", &run_volume_bind]),
        Spec::created("mnt-tmpfs", &["--mount", "type=tmpfs,destination=/scratch"]),
        Spec::created("mnt-default", &[]),
    ];
    if has_boot {
        specs.push(Spec::created("mnt-boot-ro", &["-v", "/boot:/host-boot:ro"]));
    }
    let cs = d.containers(specs);
    // --volumes-from copies the socket mount of another container.
    let sock_ref = cs
        .iter()
        .find(|c| c.purpose == "mnt-docker-sock-ro")
        .expect("socket case")
        .name
        .clone();
    let cs: Vec<_> = cs
        .into_iter()
        .chain([d.container(Spec::created(
            "mnt-volumes-from-sock",
            &["--volumes-from", &sock_ref],
        ))])
        .collect();
    let by = |purpose: &str| {
        cs.iter()
            .find(|c| c.purpose == purpose)
            .unwrap_or_else(|| panic!("no case {purpose}"))
            .clone()
    };

    // Shared propagation: the daemon refuses to START it when /tmp is not itself a shared
    // mount ("... is mounted on / but it is not a shared mount"); the configuration is what
    // seawall grades, so fall back to a created-only container in that case.
    let prop_mount = format!("type=bind,source={prop_path},target=/x,bind-propagation=rshared");
    let prop_name = d.unique_name("mnt-rshared");
    let prop = match d.try_container_named(
        &Spec::running("mnt-rshared", &["--mount", &prop_mount]),
        &prop_name,
    ) {
        Ok(c) => c,
        Err(e) => {
            assert!(
                e.contains("not a shared mount") || e.contains("not a shared or slave mount"),
                "unexpected error starting the rshared case: {e}"
            );
            eprintln!("note: rshared bind refused at start, graded created-only: {e}");
            docker(&["rm", "-f", prop_name.as_str()]);
            d.container_named(
                Spec::created("mnt-rshared", &["--mount", &prop_mount]),
                &prop_name,
            )
        }
    };

    let r = d.scan(&[]);
    let sev = |s: &'static str| d.host_root_sev(s);

    // The runtime socket is critical even read-only, and never mitigated.
    let sock = by("mnt-docker-sock-ro");
    r.finding(&sock, "SW-MNT-001")
        .severity("critical")
        .cis("5.32")
        .evidence("docker.sock")
        .evidence("(ro)")
        .weighting(Some("host_root"));
    assert_eq!(r.band(&sock), "critical", "{}", r.summary(&sock));
    assert!(r.score(&sock) >= 90, "{}", r.summary(&sock));
    let linked = by("mnt-sock-symlink");
    r.finding(&linked, "SW-MNT-001")
        .severity("critical")
        .evidence("sock-link")
        .evidence("symlink")
        .weighting(Some("host_root"));
    assert_eq!(r.band(&linked), "critical", "{}", r.summary(&linked));
    r.finding(by("mnt-run-symlink"), "SW-MNT-001")
        .severity("critical")
        .evidence("run-link")
        .weighting(Some("host_root"));
    r.finding(by("mnt-volumes-from-sock"), "SW-MNT-001")
        .severity("critical")
        .evidence("docker.sock");
    // A named volume over the host's /var/run holds the runtime socket.
    let run_vol = by("mnt-run-named-volume");
    r.finding(&run_vol, "SW-MNT-001")
        .severity("critical")
        .title_has("named volume")
        .evidence(&run_volume);
    r.finding(&run_vol, "SW-MNT-019").evidence("o=bind");

    // The host root read-only: critical, it contains the runtime socket.
    let root_ro = by("mnt-root-ro");
    let root_hits: Vec<_> = r
        .findings(&root_ro)
        .into_iter()
        .filter(|f| f.id == "SW-MNT-001" || f.id == "SW-MNT-002")
        .collect();
    assert!(
        root_hits.iter().any(|f| f.severity == "critical"),
        "/ read-only must be critical: {}",
        r.summary(&root_ro)
    );
    if let Some(f) = root_hits.iter().find(|f| f.id == "SW-MNT-001") {
        f.evidence("exposes /run/docker.sock");
    }

    let etc_rw = by("mnt-etc-rw");
    r.finding(&etc_rw, "SW-MNT-003")
        .severity(sev("critical"))
        .cis("5.6")
        .evidence("/etc -> /host-etc (rw)")
        .weighting(host_root_weight(&d));

    for (purpose, id, base, path) in [
        ("mnt-etc-ro", "SW-MNT-003", "high", "/etc -> /host-etc (ro)"),
        (
            "mnt-proc-ro",
            "SW-MNT-004",
            "high",
            "/proc -> /host-proc (ro)",
        ),
        (
            "mnt-sys-ro",
            "SW-MNT-005",
            "medium",
            "/sys -> /host-sys (ro)",
        ),
        (
            "mnt-root-home-ro",
            "SW-MNT-008",
            "high",
            "/root -> /host-root (ro)",
        ),
        (
            "mnt-docker-data-ro",
            "SW-MNT-009",
            "high",
            "/var/lib/docker -> /host-docker (ro)",
        ),
        (
            "mnt-boot-ro",
            "SW-MNT-011",
            "low",
            "/boot -> /host-boot (ro)",
        ),
    ] {
        if purpose == "mnt-boot-ro" && !has_boot {
            continue;
        }
        let c = by(purpose);
        let f = r.finding(&c, id);
        f.severity(sev(ro_sev(&r, base))).cis("5.6").evidence(path);
        if !r.read_only_is_recursive() {
            f.evidence("not recursive");
        }
    }

    r.finding(by("mnt-dev-rw"), "SW-MNT-007")
        .severity(sev("high"))
        .evidence("/dev -> /host-dev (rw)");

    // An ordinary host directory under /tmp: the /tmp rule (or the generic bind rule).
    let tmp = by("mnt-tmp-dir");
    let tmp_hits: Vec<_> = r
        .findings(&tmp)
        .into_iter()
        .filter(|f| f.id == "SW-MNT-015" || f.id == "SW-MNT-018")
        .collect();
    assert_eq!(
        tmp_hits.len(),
        1,
        "a /tmp/<dir> bind gives SW-MNT-015 or SW-MNT-018: {}",
        r.summary(&tmp)
    );
    tmp_hits[0]
        .evidence(&plain_path)
        .severity_in(&["medium", "low"]);

    // Benign read-only files and ordinary named volumes: no mount finding.
    for purpose in [
        "mnt-localtime-ro",
        "mnt-plain-named-volume",
        "mnt-tmpfs",
        "mnt-default",
    ] {
        r.lacks_prefix(by(purpose), "SW-MNT-");
    }

    // A named volume that is a bind of /etc in disguise is graded as /etc.
    let vol = by("mnt-etc-named-volume");
    r.finding(&vol, "SW-MNT-003")
        .severity(sev("critical"))
        .title_has("named volume")
        .evidence(&format!("volume {etc_volume}"))
        .evidence("device=/etc");
    r.finding(&vol, "SW-MNT-019")
        .severity("medium")
        .evidence(&etc_volume)
        .evidence("device=/etc");
    assert_eq!(r.state(&vol), "running");

    r.finding(&prop, "SW-MNT-020")
        .severity("high")
        .cis("5.20")
        .evidence("rshared");
}

#[test]
fn namespaces() {
    let Some(d) = TestDaemon::get() else { return };
    let first = d.containers(vec![
        Spec::running("ns-pid-host", &["--pid", "host"]),
        Spec::running("ns-app", &[]),
        Spec::running("ns-net-host", &["--network", "host"]),
        Spec::created("ns-ipc-host", &["--ipc", "host"]),
        Spec::created("ns-uts-host", &["--uts", "host"]),
        Spec::created("ns-cgroupns-host", &["--cgroupns", "host"]),
        Spec::created("ns-cgroupns-private", &["--cgroupns", "private"]),
        Spec::created("ns-default", &[]),
    ]);
    let [
        pid_host,
        app,
        net_host,
        ipc_host,
        uts_host,
        cg_host,
        cg_private,
        default,
    ] = &first[..]
    else {
        unreachable!()
    };
    let pid_join = format!("container:{}", pid_host.name);
    let net_join = format!("container:{}", app.name);
    let host_net_join = format!("container:{}", net_host.name);
    let second = d.containers(vec![
        Spec::running("ns-pid-joiner", &["--pid", &pid_join]),
        Spec::running("ns-net-sidecar", &["--network", &net_join]),
        Spec::running("ns-host-net-sidecar", &["--network", &host_net_join]),
    ]);
    let (joiner, sidecar, host_sidecar) = (&second[0], &second[1], &second[2]);
    let r = d.scan(&[]);

    for (c, id, sev, cis, field) in [
        (pid_host, "SW-NS-001", "high", "5.16", "PidMode = host"),
        (net_host, "SW-NS-002", "high", "5.10", "NetworkMode = host"),
        (ipc_host, "SW-NS-003", "high", "5.17", "IpcMode = host"),
        (uts_host, "SW-NS-004", "medium", "5.21", "UTSMode = host"),
    ] {
        r.finding(c, id).severity(sev).cis(cis).evidence(field);
    }
    // The host network is not the default bridge.
    r.lacks(net_host, "SW-NET-004");

    // Joining a container that shares the host PID namespace is the host PID namespace.
    r.finding(joiner, "SW-NS-001")
        .severity("high")
        .evidence(&pid_host.name)
        .evidence("resolves to the host");

    // A sidecar in a private app's network namespace: informational, not the host network.
    r.finding(sidecar, "SW-NS-007")
        .severity("info")
        .no_cis()
        .evidence(&app.name);
    r.lacks(sidecar, "SW-NS-002");
    // A sidecar of a host-network container is in the host network namespace.
    r.finding(host_sidecar, "SW-NS-002")
        .severity("high")
        .evidence(&net_host.name)
        .evidence("resolves to the host");
    r.lacks(host_sidecar, "SW-NS-007");
    for c in [app, default] {
        for id in [
            "SW-NS-001",
            "SW-NS-002",
            "SW-NS-003",
            "SW-NS-004",
            "SW-NS-007",
        ] {
            r.lacks(c, id);
        }
    }

    // The cgroup namespace: explicit host is flagged (medium on cgroup v1), private is not.
    let cg_sev = if d.info.cgroup_version == "1" {
        "medium"
    } else {
        "low"
    };
    r.finding(cg_host, "SW-NS-006")
        .severity(cg_sev)
        .evidence("CgroupnsMode = host");
    r.lacks(cg_private, "SW-NS-006");
    if d.info.cgroup_version == "1" {
        // On cgroup v1 the daemon's default is the host cgroup namespace.
        r.finding(default, "SW-NS-006").severity("medium");
    }
}

#[test]
fn security_options() {
    let Some(d) = TestDaemon::get() else { return };
    let mut specs = vec![
        Spec::created(
            "sec-seccomp-unconfined",
            &["--security-opt", "seccomp=unconfined"],
        ),
        Spec::created("sec-nnp", &["--security-opt", "no-new-privileges"]),
        Spec::created(
            "sec-nnp-false",
            &["--security-opt", "no-new-privileges=false"],
        ),
        Spec::created(
            "sec-systempaths",
            &["--security-opt", "systempaths=unconfined"],
        ),
        Spec::running("sec-default", &[]),
    ];
    let apparmor = d
        .info
        .security_options
        .iter()
        .any(|o| o.contains("name=apparmor"));
    if apparmor {
        specs.push(Spec::created(
            "sec-apparmor-unconfined",
            &["--security-opt", "apparmor=unconfined"],
        ));
    }
    let cs = d.containers(specs);
    let r = d.scan(&[]);
    let (seccomp, nnp, nnp_false, systempaths, default) = (&cs[0], &cs[1], &cs[2], &cs[3], &cs[4]);

    r.finding(seccomp, "SW-SEC-001")
        .severity("high")
        .cis("5.22")
        .evidence("seccomp=unconfined")
        .weighting(None);
    r.lacks(nnp, "SW-SEC-004");
    r.finding(nnp_false, "SW-SEC-004")
        .severity("medium")
        .cis("5.26")
        .evidence("false");
    // The docker CLI turns systempaths=unconfined into empty MaskedPaths/ReadonlyPaths.
    let f = r.finding(systempaths, "SW-SEC-005");
    f.severity("high");
    assert!(
        f.evidence.contains("MaskedPaths") || f.evidence.contains("systempaths=unconfined"),
        "systempaths evidence: {f:?}"
    );

    for id in ["SW-SEC-001", "SW-SEC-002", "SW-SEC-005"] {
        r.lacks(default, id);
    }
    if d.info.default_no_new_privileges() {
        r.lacks(default, "SW-SEC-004");
    } else {
        r.finding(default, "SW-SEC-004")
            .severity("medium")
            .evidence("no no-new-privileges");
    }
    if apparmor {
        r.finding(&cs[5], "SW-SEC-002")
            .severity("high")
            .evidence("apparmor=unconfined");
    }
}

#[test]
fn published_ports() {
    let Some(d) = TestDaemon::get() else { return };
    // Fixed host ports on created containers only: no conflict with anything on the host.
    let cs = d.containers(vec![
        Spec::created("port-80-all-interfaces", &["-p", "80:80"]),
        Spec::created("port-localhost", &["-p", "127.0.0.1:18080:80"]),
        // Running with a host port the daemon picks: the live bindings are graded.
        Spec::running("port-random-running", &["-p", "8080"]),
        Spec::created("port-none", &[]),
    ]);
    let (p80, local, random, none) = (&cs[0], &cs[1], &cs[2], &cs[3]);
    let r = d.scan(&[]);

    r.finding(p80, "SW-NET-001")
        .severity("low")
        .cis("5.8")
        .evidence("HostPort = 80");
    r.finding(p80, "SW-NET-002")
        .severity("medium")
        .cis("5.14")
        .evidence("80->80/tcp");
    r.finding(p80, "SW-NET-003").severity("info").cis("5.9");

    r.lacks(local, "SW-NET-001");
    r.lacks(local, "SW-NET-002");
    r.finding(local, "SW-NET-003")
        .evidence("127.0.0.1:18080->80/tcp");

    // The daemon picked a port above 1024 on every interface.
    let bound = docker(&["port", random.name.as_str(), "8080/tcp"]);
    let host_port = bound
        .lines()
        .next()
        .and_then(|l| l.rsplit(':').next())
        .unwrap_or_else(|| panic!("docker port printed {bound:?}"))
        .to_string();
    r.lacks(random, "SW-NET-001");
    r.finding(random, "SW-NET-002")
        .severity("medium")
        .evidence(&format!(":{host_port}->8080/tcp"));

    for id in ["SW-NET-001", "SW-NET-002", "SW-NET-003"] {
        r.lacks(none, id);
    }
    r.finding(none, "SW-NET-004")
        .severity("low")
        .cis("5.30")
        .weighting(Some("hygiene"));
}

#[test]
fn devices() {
    let Some(d) = TestDaemon::get() else { return };
    let loop0 = Path::new("/dev/loop0").exists();
    let device = if loop0 { "/dev/loop0" } else { "/dev/zero" };
    let read_only_device = format!("{device}:/dev/xdisk:r");
    let cs = d.containers(vec![
        Spec::running("dev-device", &["--device", device]),
        Spec::created("dev-device-read-only", &["--device", &read_only_device]),
        // Created only, like the brief asks: a device cgroup rule is configuration.
        Spec::created(
            "dev-cgroup-rule-wildcard",
            &["--device-cgroup-rule", "b *:* rwm"],
        ),
        Spec::created(
            "dev-cgroup-rule-narrow",
            &["--device-cgroup-rule", "c 1:3 rwm"],
        ),
        Spec::created("dev-none", &[]),
    ]);
    let (dev, dev_ro, rule_wild, rule_narrow, none) = (&cs[0], &cs[1], &cs[2], &cs[3], &cs[4]);
    let r = d.scan(&[]);
    let sev = |s: &'static str| d.host_root_sev(s);

    let f = r.finding(dev, "SW-DEV-001");
    f.cis("5.18")
        .evidence(&format!("{device} -> {device} (rwm)"));
    if loop0 {
        // A block device is the host disk: critical, and host root when writable.
        f.severity(sev("critical"))
            .title_has("/dev/loop0")
            .weighting(host_root_weight(&d));
        r.finding(dev_ro, "SW-DEV-001")
            .severity(sev("critical"))
            .evidence("/dev/xdisk (r)")
            .weighting(None);
    } else {
        f.severity(sev("low"));
    }
    assert_eq!(r.state(dev), "running");

    r.finding(rule_wild, "SW-DEV-002")
        .severity(sev("critical"))
        .cis("5.18")
        .evidence("'b *:* rwm'");
    r.finding(rule_narrow, "SW-DEV-002")
        .severity(sev("medium"))
        .evidence("'c 1:3 rwm'");
    r.lacks_prefix(none, "SW-DEV-");
}

#[test]
fn resources_and_users() {
    let Some(d) = TestDaemon::get() else { return };
    let cs = d.containers(vec![
        Spec::created("res-default", &[]),
        Spec::created(
            "res-all-limits",
            &[
                "--memory",
                "64m",
                "--cpus",
                "0.5",
                "--pids-limit",
                "50",
                "--ulimit",
                "nofile=100:200",
            ],
        ),
        Spec::created("res-memory", &["--memory", "64m"]),
        Spec::created("res-cpus", &["--cpus", "0.5"]),
        Spec::created("res-cpu-shares", &["--cpu-shares", "512"]),
        Spec::created("res-pids", &["--pids-limit", "50"]),
        Spec::created("res-ulimit", &["--ulimit", "nofile=100:200"]),
        Spec::created("usr-1000", &["--user", "1000"]),
        Spec::created("usr-root", &["--user", "root"]),
        Spec::created("usr-0-0", &["--user", "0:0"]),
        Spec::created("usr-group-add-0", &["--user", "1000", "--group-add", "0"]),
    ]);
    let [
        default,
        all,
        memory,
        cpus,
        shares,
        pids,
        ulimit,
        u1000,
        uroot,
        u00,
        group0,
    ] = &cs[..]
    else {
        unreachable!()
    };
    let r = d.scan(&[]);

    for (id, sev, cis, evidence) in [
        ("SW-RES-001", "low", "5.11", "Memory = 0"),
        ("SW-RES-002", "low", "5.12", "NanoCpus"),
        ("SW-RES-003", "low", "5.29", "PidsLimit"),
        ("SW-RES-004", "info", "5.19", "Ulimits is empty"),
    ] {
        r.finding(default, id)
            .severity(sev)
            .cis(cis)
            .evidence(evidence)
            .weighting(Some("hygiene"));
    }
    for id in ["SW-RES-001", "SW-RES-002", "SW-RES-003", "SW-RES-004"] {
        r.lacks(all, id);
    }
    // Each limit clears exactly its own finding.
    for (c, cleared) in [
        (memory, "SW-RES-001"),
        (cpus, "SW-RES-002"),
        (shares, "SW-RES-002"),
        (pids, "SW-RES-003"),
        (ulimit, "SW-RES-004"),
    ] {
        for id in ["SW-RES-001", "SW-RES-002", "SW-RES-003", "SW-RES-004"] {
            assert_eq!(
                r.has(c, id),
                id != cleared,
                "{} should {}have {id}: {}",
                c.purpose,
                if id == cleared { "not " } else { "" },
                r.summary(c)
            );
        }
    }

    r.finding(default, "SW-USR-001")
        .severity(d.host_root_sev("medium"))
        .cis("4.1")
        .evidence("Config.User is empty");
    r.finding(uroot, "SW-USR-001")
        .evidence("Config.User = root");
    r.finding(u00, "SW-USR-001").evidence("Config.User = 0:0");
    r.lacks(u1000, "SW-USR-001");
    r.lacks(default, "SW-USR-002");
    r.lacks(group0, "SW-USR-001");
    r.finding(group0, "SW-USR-002")
        .severity("medium")
        .no_cis()
        .evidence("GroupAdd = 0");
}

#[test]
fn restart_healthcheck_and_read_only_rootfs() {
    let Some(d) = TestDaemon::get() else { return };
    let cs = d.containers(vec![
        Spec::created("life-default", &[]),
        Spec::created("life-restart-always", &["--restart", "always"]),
        Spec::created(
            "life-restart-unless-stopped",
            &["--restart", "unless-stopped"],
        ),
        Spec::created("life-restart-on-failure", &["--restart", "on-failure"]),
        Spec::created("life-restart-on-failure-3", &["--restart", "on-failure:3"]),
        Spec::created(
            "life-restart-on-failure-10",
            &["--restart", "on-failure:10"],
        ),
        Spec::running(
            "life-health-cmd",
            &["--health-cmd", "true", "--health-interval", "1s"],
        ),
        Spec::created("life-no-healthcheck", &["--no-healthcheck"]),
        Spec::created("life-read-only", &["--read-only"]),
    ]);
    let [
        default,
        always,
        unless,
        on_failure,
        on_failure3,
        on_failure10,
        health,
        no_health,
        ro,
    ] = &cs[..]
    else {
        unreachable!()
    };
    let r = d.scan(&[]);

    r.lacks(default, "SW-LIFE-001");
    for (c, evidence) in [
        (always, "RestartPolicy.Name = always"),
        (unless, "RestartPolicy.Name = unless-stopped"),
        (on_failure, "(unlimited)"),
        (on_failure10, "MaximumRetryCount = 10"),
    ] {
        r.finding(c, "SW-LIFE-001")
            .severity("low")
            .cis("5.15")
            .evidence(evidence)
            .weighting(Some("hygiene"));
    }
    r.lacks(on_failure3, "SW-LIFE-001");

    r.finding(default, "SW-LIFE-002")
        .severity("low")
        .cis("5.27")
        .evidence("absent")
        .weighting(Some("hygiene"));
    r.lacks(health, "SW-LIFE-002");
    assert_eq!(r.state(health), "running");
    r.finding(no_health, "SW-LIFE-002").evidence("disabled");

    r.finding(default, "SW-HARD-001")
        .severity("low")
        .cis("5.13")
        .evidence("ReadonlyRootfs = false");
    r.lacks(ro, "SW-HARD-001");
}

#[test]
fn secrets_in_env_are_named_never_shown() {
    let Some(d) = TestDaemon::get() else { return };
    let cs = d.containers(vec![
        Spec::running(
            "env-secrets",
            &[
                "-e",
                "DB_PASSWORD=hunter2",
                "-e",
                "DATABASE_URL=postgres://app:s3cr3t@db/x",
                "-e",
                "API_TOKEN=abc123xyz",
                "-e",
                "LOG_LEVEL=debug",
            ],
        ),
        Spec::created(
            "env-docker-host",
            &["-e", "DOCKER_HOST=tcp://10.1.2.3:2375"],
        ),
        Spec::created("env-plain", &["-e", "LOG_LEVEL=debug"]),
    ]);
    let (secrets, docker_host, plain) = (&cs[0], &cs[1], &cs[2]);
    let r = d.scan(&[]);

    let f = r.finding(secrets, "SW-ENV-001");
    f.severity("medium")
        .no_cis()
        .evidence("DB_PASSWORD")
        .evidence("DATABASE_URL")
        .evidence("API_TOKEN");
    assert!(
        !f.evidence.contains("LOG_LEVEL"),
        "only secret-looking variables are named: {f:?}"
    );
    r.lacks(plain, "SW-ENV-001");
    r.lacks(plain, "SW-ENV-002");
    r.finding(docker_host, "SW-ENV-002")
        .severity("high")
        .cis("5.32")
        .evidence("tcp://10.1.2.3:2375");

    // The values never reach any output format.
    let mut outputs = vec![("json".to_string(), r.text.clone())];
    for format in ["sarif", "markdown", "html", "table"] {
        outputs.push((format.to_string(), d.scan_text(format, &[])));
    }
    for (format, text) in &outputs {
        for secret in ["hunter2", "s3cr3t", "abc123xyz"] {
            assert!(
                !text.contains(secret),
                "{format} output leaks the secret value {secret:?}"
            );
        }
        if format == "table" {
            // The table fits 80 columns and may shorten names; its footer counts them.
            assert!(text.contains("3 containers"), "table footer:\n{text}");
        } else {
            assert!(
                text.contains(&secrets.name),
                "{format} output names the container {}",
                secrets.name
            );
        }
        if format != "table" {
            // The table shows only the worst finding; the others show every evidence.
            assert!(
                text.contains("DB_PASSWORD") || text.contains("DB\\_PASSWORD"),
                "{format} output names the secret variable"
            );
        }
    }
}

#[test]
fn score_relations() {
    let Some(d) = TestDaemon::get() else { return };
    let net = d.network("hardened-net");
    let cs = d.containers(vec![
        Spec::running(
            "score-hardened",
            &[
                "--read-only",
                "--cap-drop",
                "ALL",
                "--user",
                "1000:1000",
                "--security-opt",
                "no-new-privileges",
                "--memory",
                "64m",
                "--pids-limit",
                "50",
                "--cpus",
                "0.5",
                "--health-cmd",
                "true",
                "--restart",
                "on-failure:3",
                "--ulimit",
                "nofile=100:200",
                "--network",
                &net,
            ],
        ),
        Spec::running("score-default", &[]),
        Spec::running("score-sys-admin", &["--cap-add", "SYS_ADMIN"]),
        Spec::created("score-privileged", &["--privileged"]),
        Spec::created(
            "score-docker-sock",
            &["-v", "/var/run/docker.sock:/var/run/docker.sock"],
        ),
        Spec::created(
            "score-privileged-and-sock",
            &[
                "--privileged",
                "-v",
                "/var/run/docker.sock:/var/run/docker.sock",
            ],
        ),
    ]);
    let [hardened, default, sys_admin, privileged, sock, both] = &cs[..] else {
        unreachable!()
    };
    let r = d.scan(&[]);
    let (h, dflt, sa) = (r.score(hardened), r.score(default), r.score(sys_admin));
    assert!(
        h + 20 <= dflt,
        "hardened must score at least 20 below default:\n{}\n{}",
        r.summary(hardened),
        r.summary(default)
    );
    assert!(
        dflt + 20 <= sa,
        "default must score at least 20 below SYS_ADMIN:\n{}\n{}",
        r.summary(default),
        r.summary(sys_admin)
    );
    assert_eq!(r.band(hardened), "low", "{}", r.summary(hardened));
    for f in r.findings(hardened) {
        assert!(
            !matches!(f.severity.as_str(), "critical" | "high"),
            "hardened container has {f:?}"
        );
    }
    for id in [
        "SW-CAP-NET_RAW",
        "SW-CAP-DROPALL",
        "SW-USR-001",
        "SW-SEC-004",
        "SW-RES-001",
        "SW-RES-002",
        "SW-RES-003",
        "SW-RES-004",
        "SW-LIFE-001",
        "SW-LIFE-002",
        "SW-HARD-001",
        "SW-NET-004",
    ] {
        r.lacks(hardened, id);
    }
    if d.info.root_is_host_root() {
        assert_eq!(r.band(privileged), "critical", "{}", r.summary(privileged));
    }
    // The socket is critical even under user namespaces.
    assert_eq!(r.band(sock), "critical", "{}", r.summary(sock));
    if d.info.root_is_host_root() {
        // Two distinct routes to host root score above one.
        assert!(r.score(both) >= 95, "{}", r.summary(both));
        assert!(
            r.score(both) > r.score(sock),
            "{} vs {}",
            r.summary(both),
            r.summary(sock)
        );
    }
}

#[test]
fn states_sorting_and_filters() {
    let Some(d) = TestDaemon::get() else { return };
    let cs = d.containers(vec![
        Spec::created("st-created", &["--privileged"]),
        Spec::running("st-running", &[]),
        Spec::running("st-exited", &["--cap-drop", "ALL"]).cmd(&["sh", "-c", "exit 0"]),
        Spec::running("st-paused", &["--user", "1000"]),
    ]);
    let [created, running, exited, paused] = &cs[..] else {
        unreachable!()
    };
    docker(&["wait", exited.name.as_str()]);
    docker(&["pause", paused.name.as_str()]);

    let r = d.scan(&[]);
    assert_eq!(
        r.containers().len(),
        4,
        "only this test's containers: {:?}",
        r.names()
    );
    for (c, state) in [
        (created, "created"),
        (running, "running"),
        (exited, "exited"),
        (paused, "paused"),
    ] {
        let entry = r.container(c);
        assert_eq!(r.state(c), state, "state of {}", c.name);
        assert_eq!(entry["id"], c.id.as_str(), "id of {}", c.name);
        assert_eq!(entry["image"], image().as_str(), "image of {}", c.name);
    }
    for name in r.names() {
        assert!(
            !name.starts_with('/'),
            "name without a leading slash: {name}"
        );
    }
    // Worst first; equal scores by name.
    let order: Vec<(u64, String)> = r
        .containers()
        .iter()
        .map(|c| {
            (
                c["score"].as_u64().unwrap(),
                c["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for pair in order.windows(2) {
        let ((s1, n1), (s2, n2)) = (&pair[0], &pair[1]);
        assert!(
            s1 > s2 || (s1 == s2 && n1 <= n2),
            "containers must be sorted worst first: {order:?}"
        );
    }
    assert_eq!(
        order[0].1, created.name,
        "the privileged one is worst: {order:?}"
    );

    // --running drops the created (and exited) containers.
    let running_only = d.scan(&["--running"]);
    assert!(running_only.contains(running), "{:?}", running_only.names());
    assert!(
        !running_only.contains(created),
        "{:?}",
        running_only.names()
    );
    assert!(!running_only.contains(exited), "{:?}", running_only.names());

    // --name: globs and substrings.
    for (pattern, want) in [
        ("sw-it-*-st-p?used", vec![paused]),
        ("*-st-r*", vec![running]),
        ("st-exit", vec![exited]),
        ("sw-it-*-st-*", vec![created, running, exited, paused]),
    ] {
        let got = d.scan(&["--name", pattern]);
        let mut names = got.names();
        names.sort();
        let mut expected: Vec<String> = want.iter().map(|c| c.name.clone()).collect();
        expected.sort();
        assert_eq!(names, expected, "--name {pattern}");
    }
    // A pattern that matches nothing is exit 2 with a message, not an empty report.
    let out = d
        .scan_cmd(&["--format", "json", "--name", "no-such-container-*"])
        .output()
        .unwrap();
    common::expect_code(&out, 2, "--name matching nothing");
    assert!(common::text(&out.stderr).contains("no container matches --name no-such-container-*"));
}

#[test]
fn host_posture() {
    let Some(d) = TestDaemon::get() else { return };
    // One container carries this test's run label (a filter that matches nothing is
    // exit 2): the report holds the daemon and it alone.
    let only = d.container(Spec::created("posture-only", &[]));
    let r = d.scan(&[]);
    assert_eq!(r.names(), vec![only.name.clone()]);
    let host = r.host();
    let engine = &host["engine"];
    assert!(
        !host["endpoint"].as_str().unwrap_or("").is_empty(),
        "endpoint: {host}"
    );
    assert_eq!(
        engine["version"],
        d.info.server_version.as_str(),
        "engine.version"
    );
    assert_eq!(
        engine["api_version"],
        d.info.api_version.as_str(),
        "engine.api_version"
    );
    for key in ["api_version", "runc", "containerd", "kernel", "os"] {
        assert!(
            !engine[key].as_str().unwrap_or("").is_empty(),
            "engine.{key} is empty: {engine}"
        );
    }
    let posture = &host["posture"];
    let score = posture["score"].as_u64().expect("posture.score");
    assert!(score <= 100, "posture.score {score}");
    let band = match score {
        0..=19 => "low",
        20..=49 => "medium",
        50..=79 => "high",
        _ => "critical",
    };
    assert_eq!(
        posture["band"], band,
        "posture band matches the score {score}"
    );
    for f in posture["findings"].as_array().expect("posture.findings") {
        let id = f["id"].as_str().unwrap_or("");
        assert!(id.starts_with("SW-"), "posture finding id {f}");
        assert!(f["evidence"].as_str().is_some_and(|e| !e.is_empty()), "{f}");
    }
}
