//! A fix written into the compose file itself: line edits on the original text (comments,
//! order and formatting of everything untouched are kept), and its unified diff.
//!
//! Keys are edited in place (`privileged: true` -> `false`), list entries are removed or
//! added in the list's own style (block or flow), missing keys are inserted right under
//! the service's name. Changes that live in another file (a base of `extends`, an
//! included file) are not written; they are returned as notes.

use super::{Change, Edit};
use crate::compose::Project;
use crate::compose::load::Service;
use crate::compose::yaml::Node;
use std::collections::BTreeMap;

/// The patched text of one file and what could not be written into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Patched {
    pub file: usize,
    pub text: String,
    pub notes: Vec<String>,
}

/// Edits to one list key of a service.
#[derive(Default)]
struct ListEdit {
    /// Indexes of the entries to remove.
    remove: Vec<usize>,
    add: Vec<String>,
    /// Index of an entry and its new text.
    replace: Vec<(usize, String)>,
}

/// Edits to one service.
#[derive(Default)]
struct ServiceEdits {
    set: BTreeMap<&'static str, String>,
    remove_keys: Vec<&'static str>,
    lists: BTreeMap<&'static str, ListEdit>,
    /// Blocks to delete (entries of a mapping, e.g. one environment variable).
    delete_lines: Vec<usize>,
    /// Keys whose change may break the workload, and why (written as a comment).
    why: BTreeMap<&'static str, &'static str>,
}

/// The compose key an edit touches.
fn edit_key(edit: &Edit) -> &'static str {
    match edit {
        Edit::Unprivileged => "privileged",
        Edit::RemoveCap(_) => "cap_add",
        Edit::DropAllCaps => "cap_drop",
        Edit::RemoveMount(_) | Edit::PrivatePropagation(_) => "volumes",
        Edit::PrivateNamespace(k) => k,
        Edit::RemoveSecurityOpt(..) | Edit::NoNewPrivileges => "security_opt",
        Edit::LocalhostPorts => "ports",
        Edit::UserNetwork => "network_mode",
        Edit::RemoveDevice(_) => "devices",
        Edit::RemoveDeviceCgroupRules => "device_cgroup_rules",
        Edit::RemoveDeviceRequests => "gpus",
        Edit::RemoveEnv(_) => "environment",
        Edit::ReadOnly => "read_only",
        Edit::RemoveSysctl(_) => "sysctls",
        Edit::BoundedRestart => "restart",
        Edit::AddHealthcheck => "healthcheck",
        Edit::MemoryLimit => "mem_limit",
        Edit::CpuLimit => "cpus",
        Edit::PidsLimit => "pids_limit",
        Edit::RemoveCgroupParent => "cgroup_parent",
        Edit::KeepOomKiller => "oom_kill_disable",
        Edit::NonRootUser => "user",
        Edit::RemoveGroupAdd => "group_add",
    }
}

/// The comment that marks a change that may break the workload.
fn mark(why: Option<&&str>) -> String {
    why.map(|w| format!(" # seawall: may break: {w}"))
        .unwrap_or_default()
}

enum Op {
    Delete {
        start: usize,
        end: usize,
    },
    Replace {
        line: usize,
        text: String,
    },
    Insert {
        after: usize,
        lines: Vec<String>,
        /// A comment about the block below (goes under new lines inserted at the same place).
        comment: bool,
    },
}

impl Op {
    /// Where the op applies (ops run from the bottom up): an insert after line L sorts
    /// between L and L+1, a comment before new lines at the same place (so it ends up
    /// under them).
    fn anchor(&self) -> usize {
        match self {
            Op::Delete { start, .. } => start * 4,
            Op::Replace { line, .. } => line * 4,
            Op::Insert { after, comment, .. } => after * 4 + if *comment { 3 } else { 2 },
        }
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The last line (1-based) of the block that starts at `line`: the line and every
/// following line indented deeper (for a `key:` also `- ` items at the key's indent).
fn block_end(lines: &[&str], line: usize) -> usize {
    let first = lines[line - 1];
    let base = indent_of(first);
    let is_key = !first.trim_start().starts_with('-');
    let mut end = line;
    for (i, l) in lines.iter().enumerate().skip(line) {
        if is_blank_or_comment(l) {
            continue;
        }
        let ind = indent_of(l);
        if ind > base || (is_key && ind == base && l.trim_start().starts_with("- ")) {
            end = i + 1;
        } else {
            break;
        }
    }
    end
}

fn quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && !s.is_empty()
    {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Patch the file of service `s` with `changes`; returns the patched text.
pub fn patch(project: &Project, plans: &[(&Service, &[Change])]) -> Patched {
    let file = 0;
    let text = &project.files[file].text;
    let lines: Vec<&str> = text.lines().collect();
    let mut notes = Vec::new();
    let mut ops: Vec<Op> = Vec::new();
    for (s, changes) in plans {
        if s.file != file {
            notes.push(format!(
                "service {} is defined in {}: apply its changes there",
                s.name,
                project.path(s.file).display()
            ));
            continue;
        }
        let edits = collect(s, changes, &mut notes);
        ops.extend(service_ops(project, s, &lines, edits, &mut notes));
    }
    ops.sort_by_key(|o| std::cmp::Reverse(o.anchor()));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    for op in ops {
        match op {
            Op::Delete { start, end } => {
                out.drain(start - 1..end);
            }
            Op::Replace { line, text } => out[line - 1] = text,
            Op::Insert { after, lines, .. } => {
                let at = after.min(out.len());
                for (i, l) in lines.into_iter().enumerate() {
                    out.insert(at + i, l);
                }
            }
        }
    }
    let mut text = out.join("\n");
    if project.files[file].text.ends_with('\n') {
        text.push('\n');
    }
    Patched { file, text, notes }
}

fn item_matches(item: &Node, pred: &dyn Fn(&str) -> bool) -> bool {
    if let Some(t) = item.text() {
        return pred(t);
    }
    item.get("target")
        .or_else(|| item.get("source"))
        .and_then(Node::text)
        .is_some_and(pred)
}

/// Target of a short-syntax mount or device entry.
fn short_target(t: &str) -> &str {
    let mut parts = t.split(':');
    let first = parts.next().unwrap_or("");
    parts.next().unwrap_or(first)
}

fn collect(s: &Service, changes: &[Change], notes: &mut Vec<String>) -> ServiceEdits {
    let mut e = ServiceEdits::default();
    let items = |key: &str| s.node.get(key).map(Node::items).unwrap_or(&[]).to_vec();
    let remove_items = |e: &mut ServiceEdits, key: &'static str, pred: &dyn Fn(&Node) -> bool| {
        for (i, it) in items(key).iter().enumerate() {
            if pred(it) {
                e.lists.entry(key).or_default().remove.push(i);
            }
        }
    };
    for ch in changes {
        if let Some(why) = ch.breaking {
            e.why.insert(edit_key(&ch.edit), why);
        }
        match &ch.edit {
            Edit::Unprivileged => {
                e.set.insert("privileged", "false".into());
            }
            Edit::RemoveCap(cap) => remove_items(&mut e, "cap_add", &|n| {
                n.text()
                    .is_some_and(|t| crate::risk::confinement::normalize_cap(t) == *cap)
            }),
            Edit::DropAllCaps => {
                let has = items("cap_drop")
                    .iter()
                    .any(|n| n.text().is_some_and(|t| t.eq_ignore_ascii_case("ALL")));
                if !has {
                    e.lists
                        .entry("cap_drop")
                        .or_default()
                        .add
                        .push("ALL".into());
                }
            }
            Edit::RemoveMount(dest) => remove_items(&mut e, "volumes", &|n| {
                item_matches(n, &|t| t == dest || short_target(t) == dest)
            }),
            Edit::PrivatePropagation(dest) => {
                for (i, it) in items("volumes").iter().enumerate() {
                    if let Some(t) = it.text().filter(|t| short_target(t) == dest) {
                        let kept: Vec<&str> = t.split(':').collect();
                        let mut new = kept[..2.min(kept.len())].join(":");
                        if let Some(mode) = kept.get(2) {
                            let opts: Vec<&str> = mode
                                .split(',')
                                .filter(|o| !o.contains("shared") && !o.contains("slave"))
                                .collect();
                            if !opts.is_empty() {
                                new = format!("{new}:{}", opts.join(","));
                            }
                        }
                        e.lists.entry("volumes").or_default().replace.push((i, new));
                    } else if it.get("target").and_then(Node::text) == Some(dest) {
                        notes.push(format!(
                            "service {}: set bind.propagation of {dest} to rprivate",
                            s.name
                        ));
                    }
                }
            }
            Edit::PrivateNamespace(key) => match *key {
                "ipc" => {
                    e.set.insert("ipc", "private".into());
                }
                "cgroup" => {
                    e.set.insert("cgroup", "private".into());
                }
                k => e.remove_keys.push(k),
            },
            Edit::RemoveSecurityOpt(k, v) => remove_items(&mut e, "security_opt", &|n| {
                n.text().is_some_and(|t| {
                    let (a, b) = t
                        .split_once('=')
                        .or_else(|| t.split_once(':'))
                        .unwrap_or((t, "true"));
                    a.trim() == *k && b.trim().eq_ignore_ascii_case(v)
                })
            }),
            Edit::NoNewPrivileges => {
                remove_items(&mut e, "security_opt", &|n| {
                    n.text().is_some_and(|t| t.starts_with("no-new-privileges"))
                });
                e.lists
                    .entry("security_opt")
                    .or_default()
                    .add
                    .push("no-new-privileges:true".into());
            }
            Edit::LocalhostPorts => {
                for (i, it) in items("ports").iter().enumerate() {
                    match it.text() {
                        Some(t) => {
                            let spec = t.split('/').next().unwrap_or(t);
                            let colons = spec.matches(':').count();
                            let new = match colons {
                                0 => format!("127.0.0.1::{t}"),
                                1 => format!("127.0.0.1:{t}"),
                                _ => {
                                    let (ip, rest) = t.split_once(':').unwrap_or(("", t));
                                    if matches!(ip, "" | "0.0.0.0") {
                                        format!("127.0.0.1:{rest}")
                                    } else {
                                        continue;
                                    }
                                }
                            };
                            e.lists.entry("ports").or_default().replace.push((i, new));
                        }
                        None if it.get("host_ip").is_none() => notes.push(format!(
                            "service {}: add host_ip: 127.0.0.1 to the port entry on line {}",
                            s.name, it.line
                        )),
                        None => {}
                    }
                }
            }
            Edit::UserNetwork => e.remove_keys.push("network_mode"),
            Edit::RemoveDevice(path) => remove_items(&mut e, "devices", &|n| {
                item_matches(n, &|t| t == path || t.split(':').next() == Some(path))
            }),
            Edit::RemoveDeviceCgroupRules => e.remove_keys.push("device_cgroup_rules"),
            Edit::RemoveDeviceRequests => {
                e.remove_keys.push("gpus");
                if s.node.get("deploy").is_some() {
                    notes.push(format!(
                        "service {}: remove deploy.resources.reservations.devices",
                        s.name
                    ));
                }
            }
            Edit::RemoveEnv(name) => {
                if let Some(env) = s.node.get("environment") {
                    for en in env.entries() {
                        if en.key == *name {
                            e.delete_lines.push(en.line);
                        }
                    }
                    remove_items(&mut e, "environment", &|n| {
                        n.text()
                            .is_some_and(|t| t.split('=').next() == Some(name.as_str()))
                    });
                }
            }
            Edit::ReadOnly => {
                e.set.insert("read_only", "true".into());
            }
            Edit::RemoveSysctl(k) => {
                if let Some(sys) = s.node.get("sysctls") {
                    for en in sys.entries() {
                        if en.key == *k {
                            e.delete_lines.push(en.line);
                        }
                    }
                    remove_items(&mut e, "sysctls", &|n| {
                        n.text()
                            .is_some_and(|t| t.split('=').next() == Some(k.as_str()))
                    });
                }
            }
            Edit::BoundedRestart => {
                e.set.insert("restart", "on-failure:5".into());
            }
            Edit::AddHealthcheck => notes.push(format!(
                "service {}: add a healthcheck (test: the command that tells the service is up)",
                s.name
            )),
            Edit::MemoryLimit => {
                e.set
                    .insert("mem_limit", super::edit::MEMORY_LIMIT.to_string());
            }
            Edit::CpuLimit => {
                e.set.insert("cpus", "1".into());
            }
            Edit::PidsLimit => {
                e.set
                    .insert("pids_limit", super::edit::PIDS_LIMIT.to_string());
            }
            Edit::RemoveCgroupParent => e.remove_keys.push("cgroup_parent"),
            Edit::KeepOomKiller => e.remove_keys.push("oom_kill_disable"),
            Edit::NonRootUser => {
                e.set
                    .insert("user", format!("\"{}\"", super::edit::NON_ROOT_USER));
            }
            Edit::RemoveGroupAdd => remove_items(&mut e, "group_add", &|n| {
                n.text()
                    .is_some_and(|t| matches!(t, "0" | "root" | "docker"))
            }),
        }
    }
    e
}

fn service_ops(
    project: &Project,
    s: &Service,
    lines: &[&str],
    edits: ServiceEdits,
    notes: &mut Vec<String>,
) -> Vec<Op> {
    let _ = project;
    let mut ops = Vec::new();
    // The indentation of the service's keys: from its first key, else two more.
    let svc_indent = indent_of(lines[s.line - 1]);
    let svc_end = block_end(lines, s.line);
    // A key the service writes itself (not a base's, not a `<<` anchor elsewhere).
    let inside = |line: usize, file: usize| file == s.file && line > s.line && line <= svc_end;
    let key_indent = s
        .node
        .entries()
        .iter()
        .filter(|e| inside(e.line, e.value.file) && e.key != "<<")
        .map(|e| indent_of(lines[e.line - 1]))
        .min()
        .unwrap_or(svc_indent + 2);
    let pad = " ".repeat(key_indent);
    let mut inserted: Vec<String> = Vec::new();
    // The key's line in this file, if the service itself (not a base) writes it.
    let own = |key: &str| {
        s.node
            .entry(key)
            .filter(|e| inside(e.line, e.value.file))
            .map(|e| e.line)
    };
    let why = |key: &str| mark(edits.why.get(key));
    // A deleted block leaves a comment when the change may break the workload.
    let removed = |ops: &mut Vec<Op>, start: usize, end: usize, key: &str| {
        ops.push(Op::Delete { start, end });
        if let Some(w) = edits.why.get(key) {
            ops.push(Op::Insert {
                after: start - 1,
                lines: vec![format!(
                    "{}# seawall: removed {key} entry (may break: {w})",
                    " ".repeat(indent_of(lines[start - 1]))
                )],
                comment: true,
            });
        }
    };

    for (key, value) in &edits.set {
        let text = format!("{pad}{key}: {value}{}", why(key));
        match own(key) {
            Some(line) if block_end(lines, line) == line => ops.push(Op::Replace { line, text }),
            Some(line) => {
                ops.push(Op::Delete {
                    start: line,
                    end: block_end(lines, line),
                });
                inserted.push(text);
            }
            None => inserted.push(text),
        }
    }
    for key in &edits.remove_keys {
        if let Some(line) = own(key) {
            removed(&mut ops, line, block_end(lines, line), key);
        } else if s.node.get(key).is_some() {
            notes.push(format!(
                "service {}: {key} comes from the service it extends: remove it there",
                s.name
            ));
        }
    }
    for line in &edits.delete_lines {
        if !ops
            .iter()
            .any(|o| matches!(o, Op::Delete { start, end } if start <= line && line <= end))
        {
            let key = s
                .node
                .entries()
                .iter()
                .find(|e| e.value.entries().iter().any(|x| x.line == *line))
                .map_or("", |e| e.key.as_str());
            removed(&mut ops, *line, block_end(lines, *line), key);
        }
    }
    for (key, mut list) in edits.lists {
        list.remove.sort_unstable();
        list.remove.dedup();
        let Some(key_line) = own(key) else {
            if !list.add.is_empty() {
                inserted.push(format!("{pad}{key}:{}", why(key)));
                for a in &list.add {
                    inserted.push(format!("{pad}  - {}", quote(a)));
                }
            }
            if !list.remove.is_empty() || !list.replace.is_empty() {
                notes.push(format!(
                    "service {}: {key} comes from the service it extends: change it there",
                    s.name
                ));
            }
            continue;
        };
        let node = s.node.get(key).expect("own key");
        let left = node.items().len() - list.remove.len() + list.add.len();
        if left == 0 {
            // Every entry goes: the key goes too (an empty key is not a list).
            removed(&mut ops, key_line, block_end(lines, key_line), key);
            continue;
        }
        let flow = node.items().iter().any(|i| i.line == key_line) || node.items().is_empty();
        if flow {
            let mut texts: Vec<String> = Vec::new();
            for (i, it) in node.items().iter().enumerate() {
                if list.remove.contains(&i) {
                    continue;
                }
                let replaced = list.replace.iter().find(|(l, _)| *l == i);
                match (replaced, it.text()) {
                    (Some((_, t)), _) => texts.push(quote(t)),
                    (None, Some(t)) => texts.push(quote(t)),
                    (None, None) => {}
                }
            }
            texts.extend(list.add.iter().map(|a| quote(a)));
            let end = block_end(lines, key_line);
            if end > key_line {
                ops.push(Op::Delete {
                    start: key_line + 1,
                    end,
                });
            }
            let key_pad = " ".repeat(indent_of(lines[key_line - 1]));
            let text = if texts.is_empty() {
                format!("{key_pad}{key}: []{}", why(key))
            } else {
                format!("{key_pad}{key}: [{}]{}", texts.join(", "), why(key))
            };
            ops.push(Op::Replace {
                line: key_line,
                text,
            });
            continue;
        }
        for i in &list.remove {
            let line = node.items()[*i].line;
            removed(&mut ops, line, block_end(lines, line), key);
        }
        for (i, text) in &list.replace {
            if list.remove.contains(i) {
                continue;
            }
            let line = &node.items()[*i].line;
            let item_pad = " ".repeat(indent_of(lines[line - 1]));
            ops.push(Op::Replace {
                line: *line,
                text: format!("{item_pad}- {}{}", quote(text), why(key)),
            });
        }
        if !list.add.is_empty() {
            let first = node.items()[0].line;
            let item_pad = " ".repeat(indent_of(lines[first - 1]));
            ops.push(Op::Insert {
                after: block_end(lines, key_line),
                lines: list
                    .add
                    .iter()
                    .map(|a| format!("{item_pad}- {}{}", quote(a), why(key)))
                    .collect(),
                comment: false,
            });
        }
    }
    if !inserted.is_empty() {
        ops.push(Op::Insert {
            after: s.line,
            lines: inserted,
            comment: false,
        });
    }
    ops
}

/// A unified diff of `old` -> `new` with file names.
pub fn unified_diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
