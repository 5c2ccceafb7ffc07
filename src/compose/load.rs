//! Loading a Compose project: read and parse the file (positions kept), interpolate every
//! scalar, follow `include` and resolve `extends` as the Compose spec defines them.

use super::ComposeError;
use super::interpolate::{Vars, interpolate};
use super::yaml::{self, Entry, Node, Value};
use std::path::{Path, PathBuf};

/// How deep `include` and `extends` chains may go (a cycle is reported before this).
const MAX_DEPTH: usize = 16;

/// One file of a project: its path (as given, or joined to the including file's folder)
/// and its text (the fix patches it).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// One service once `extends` is resolved.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// The file that defines it and the line of its key under `services:`.
    pub file: usize,
    pub line: usize,
    /// The service's mapping, base services merged in.
    pub node: Node,
    /// The folder relative paths of this service are resolved against.
    pub dir: PathBuf,
}

/// A loaded project: its files (index 0 is the one given), services in file order, and
/// the top-level `volumes` of every file.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub files: Vec<SourceFile>,
    pub services: Vec<Service>,
    pub volumes: Vec<Entry>,
}

impl Project {
    pub fn path(&self, file: usize) -> &Path {
        &self.files[file].path
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

/// Load the project rooted at `path`. Variables come from `vars`, or when `None` from the
/// process environment over the `.env` file beside `path`.
pub fn load(path: &Path, vars: Option<Vars>) -> Result<Project, ComposeError> {
    let dir = parent(path);
    let vars = vars.unwrap_or_else(|| {
        let dotenv = std::fs::read_to_string(dir.join(".env")).ok();
        Vars::from_env_file(dotenv.as_deref())
    });
    let mut loader = Loader {
        files: Vec::new(),
        vars,
    };
    let mut services = Vec::new();
    let mut volumes = Vec::new();
    loader.load_into(path, &mut services, &mut volumes, &mut Vec::new())?;
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().to_lowercase()))
        .unwrap_or_else(|| "project".into());
    Ok(Project {
        name,
        files: loader.files,
        services,
        volumes,
    })
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

struct Loader {
    files: Vec<SourceFile>,
    vars: Vars,
}

impl Loader {
    /// Read, parse and interpolate one file; returns its index and its root.
    fn parse_file(&mut self, path: &Path) -> Result<(usize, Node), ComposeError> {
        let text = std::fs::read_to_string(path).map_err(|source| ComposeError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut root = yaml::parse(&text).map_err(|e| ComposeError::Syntax {
            path: path.to_path_buf(),
            line: e.line,
            col: e.col,
            message: e.message,
        })?;
        let index = self.files.len();
        root.set_file(index);
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text,
        });
        self.interpolate(&mut root, path)?;
        if !matches!(root.value, Value::Map(_) | Value::Null) {
            return Err(ComposeError::Invalid {
                path: path.to_path_buf(),
                line: root.line,
                message: "the top level of a Compose file must be a mapping".into(),
            });
        }
        Ok((index, root))
    }

    fn interpolate(&self, node: &mut Node, path: &Path) -> Result<(), ComposeError> {
        match &mut node.value {
            Value::Scalar { text, .. } => {
                *text = interpolate(text, &self.vars).map_err(|source| {
                    ComposeError::Interpolation {
                        path: path.to_path_buf(),
                        line: node.line,
                        source,
                    }
                })?;
            }
            Value::Seq(items) => {
                for n in items {
                    self.interpolate(n, path)?;
                }
            }
            Value::Map(entries) => {
                for e in entries {
                    // `x-` extension fields are not interpolated by Compose either.
                    if !e.key.starts_with("x-") {
                        self.interpolate(&mut e.value, path)?;
                    }
                }
            }
            Value::Null => {}
        }
        Ok(())
    }

    fn load_into(
        &mut self,
        path: &Path,
        services: &mut Vec<Service>,
        volumes: &mut Vec<Entry>,
        chain: &mut Vec<PathBuf>,
    ) -> Result<(), ComposeError> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if chain.contains(&canonical) || chain.len() > MAX_DEPTH {
            return Err(ComposeError::Cycle {
                path: path.to_path_buf(),
            });
        }
        chain.push(canonical);
        let (file, root) = self.parse_file(path)?;
        let dir = parent(path);

        // `include`: each entry is a path or {path, project_directory, env_file}; the
        // included services join this project (a service defined twice is an error).
        if let Some(include) = root.get("include") {
            for item in include.items() {
                let paths: Vec<&Node> = match item.get("path") {
                    Some(p) if p.items().is_empty() => vec![p],
                    Some(p) => p.items().iter().collect(),
                    None => vec![item],
                };
                for p in paths {
                    let Some(rel) = p.text() else {
                        return Err(self.invalid(file, p.line, "include needs a file path"));
                    };
                    let mut found = Vec::new();
                    self.load_into(&dir.join(rel), &mut found, volumes, chain)?;
                    for s in found {
                        if let Some(dup) = services.iter().find(|x| x.name == s.name) {
                            return Err(self.invalid(
                                dup.file,
                                dup.line,
                                &format!("service {} is also defined by an included file", s.name),
                            ));
                        }
                        services.push(s);
                    }
                }
            }
        }

        if let Some(v) = root.get("volumes") {
            volumes.extend(v.entries().iter().cloned());
        }
        let defined = root.get("services").cloned().unwrap_or(Node::null(1));
        if !matches!(defined.value, Value::Map(_) | Value::Null) {
            return Err(self.invalid(file, defined.line, "services must be a mapping"));
        }
        for entry in defined.entries() {
            if !matches!(entry.value.value, Value::Map(_) | Value::Null) {
                return Err(self.invalid(
                    file,
                    entry.line,
                    &format!("service {} must be a mapping", entry.key),
                ));
            }
            if services.iter().any(|s| s.name == entry.key) {
                return Err(self.invalid(
                    file,
                    entry.line,
                    &format!("service {} is also defined by an included file", entry.key),
                ));
            }
            let node = self.extended(&entry.value, &defined, &dir, file, &mut Vec::new())?;
            services.push(Service {
                name: entry.key.clone(),
                file,
                line: entry.line,
                node,
                dir: dir.clone(),
            });
        }
        chain.pop();
        Ok(())
    }

    /// A service with its `extends` chain merged in (the base first, this service over it).
    fn extended(
        &mut self,
        service: &Node,
        siblings: &Node,
        dir: &Path,
        file: usize,
        seen: &mut Vec<(PathBuf, String)>,
    ) -> Result<Node, ComposeError> {
        let Some(ext) = service.get("extends") else {
            return Ok(service.clone());
        };
        let (base_name, base_file) = match ext.text() {
            Some(name) => (name.to_string(), None),
            None => (
                ext.get("service")
                    .and_then(Node::text)
                    .ok_or_else(|| self.invalid(file, ext.line, "extends needs a service"))?
                    .to_string(),
                ext.get("file").and_then(Node::text).map(str::to_string),
            ),
        };
        let (base, base_siblings, base_dir, base_file_index) = match base_file {
            None => (
                siblings.get(&base_name).cloned(),
                siblings.clone(),
                dir.to_path_buf(),
                file,
            ),
            Some(rel) => {
                let path = dir.join(rel);
                let (index, root) = self.parse_file(&path)?;
                let sibs = root.get("services").cloned().unwrap_or(Node::null(1));
                (sibs.get(&base_name).cloned(), sibs, parent(&path), index)
            }
        };
        let Some(base) = base else {
            return Err(self.invalid(
                file,
                ext.line,
                &format!("extends names a service that does not exist: {base_name}"),
            ));
        };
        let key = (base_dir.join(&base_name), base_name.clone());
        if seen.contains(&key) || seen.len() > MAX_DEPTH {
            return Err(self.invalid(file, ext.line, "extends forms a cycle"));
        }
        seen.push(key);
        let base = self.extended(&base, &base_siblings, &base_dir, base_file_index, seen)?;
        let mut merged = merge(base, service.clone(), "");
        if let Value::Map(entries) = &mut merged.value {
            entries.retain(|e| e.key != "extends");
        }
        Ok(merged)
    }

    fn invalid(&self, file: usize, line: usize, message: &str) -> ComposeError {
        ComposeError::Invalid {
            path: self.files[file].path.clone(),
            line,
            message: message.to_string(),
        }
    }
}

/// Keys whose value the overriding service replaces as a whole.
const REPLACED: &[&str] = &["command", "entrypoint", "test", "healthcheck.test"];
/// Sequences merged by the mount or device target (the later entry for a target wins).
const BY_TARGET: &[&str] = &["volumes", "devices", "tmpfs"];

/// Merge `over` onto `base` as `extends` does: mappings merge key by key, sequences are
/// appended (mounts and devices by target), scalars are replaced.
pub fn merge(base: Node, over: Node, key: &str) -> Node {
    match (base.value, over.value) {
        (Value::Map(mut b), Value::Map(o)) => {
            for e in o {
                match b.iter().position(|x| x.key == e.key) {
                    Some(i) => {
                        let old = std::mem::replace(&mut b[i].value, Node::null(0));
                        b[i].value = merge(old, e.value, &e.key);
                        b[i].line = e.line;
                    }
                    None => b.push(e),
                }
            }
            Node {
                value: Value::Map(b),
                line: over.line,
                file: over.file,
            }
        }
        (Value::Seq(mut b), Value::Seq(o)) if !REPLACED.contains(&key) => {
            for item in o {
                let target = BY_TARGET.contains(&key).then(|| target_of(&item)).flatten();
                if let Some(t) = target {
                    b.retain(|x| target_of(x).as_deref() != Some(t.as_str()));
                } else {
                    b.retain(|x| x.text().is_none() || x.text() != item.text());
                }
                b.push(item);
            }
            Node {
                value: Value::Seq(b),
                line: over.line,
                file: over.file,
            }
        }
        (_, value) => Node {
            value,
            line: over.line,
            file: over.file,
        },
    }
}

/// The container path of a short (`src:dst[:mode]`) or long (`target:`) mount or device.
fn target_of(item: &Node) -> Option<String> {
    if let Some(t) = item.get("target").and_then(Node::text) {
        return Some(t.to_string());
    }
    let text = item.text()?;
    let mut parts = text.split(':');
    let first = parts.next()?;
    Some(parts.next().unwrap_or(first).to_string())
}
