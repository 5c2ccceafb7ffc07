//! Variable interpolation as the Compose spec defines it: `$VAR`, `${VAR}`,
//! `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?err}` /
//! `${VAR?err}` (required), `${VAR:+alt}` / `${VAR+alt}` (replacement) and `$$` (a literal
//! `$`). Defaults may themselves hold variables.

use std::collections::HashMap;

/// Where variables come from: the process environment over the project's `.env` file.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    values: HashMap<String, String>,
}

impl Vars {
    pub fn new(values: HashMap<String, String>) -> Vars {
        Vars { values }
    }

    /// `.env` (`NAME=value` lines, `#` comments, optional quotes) under the process
    /// environment, which wins as with `docker compose`.
    pub fn from_env_file(dotenv: Option<&str>) -> Vars {
        let mut values = HashMap::new();
        for line in dotenv.unwrap_or("").lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            if let Some((k, v)) = line.split_once('=') {
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                    .unwrap_or(v);
                values.insert(k.trim().to_string(), v.to_string());
            }
        }
        values.extend(std::env::vars());
        Vars { values }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// Why a value could not be interpolated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterpolationError {
    #[error("required variable {name} is missing a value: {message}")]
    Required { name: String, message: String },
    #[error("invalid interpolation format in {0:?}")]
    Syntax(String),
}

/// Interpolate one scalar.
pub fn interpolate(input: &str, vars: &Vars) -> Result<String, InterpolationError> {
    if !input.contains('$') {
        return Ok(input.to_string());
    }
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let end =
                closing_brace(body).ok_or_else(|| InterpolationError::Syntax(input.into()))?;
            out.push_str(&braced(&body[..end], vars, input)?);
            rest = &body[end + 1..];
        } else {
            let len = after
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push('$');
            } else {
                out.push_str(vars.get(&after[..len]).unwrap_or(""));
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The index of the `}` closing a `${`, nested `${...}` in defaults included.
fn closing_brace(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn braced(expr: &str, vars: &Vars, input: &str) -> Result<String, InterpolationError> {
    let name_len = expr
        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
        .unwrap_or(expr.len());
    let (name, op) = expr.split_at(name_len);
    if name.is_empty() {
        return Err(InterpolationError::Syntax(input.into()));
    }
    let value = vars.get(name);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    let (test, arg) = if let Some(arg) = op.strip_prefix(":-") {
        (if set_nonempty { None } else { Some('-') }, arg)
    } else if let Some(arg) = op.strip_prefix('-') {
        (if value.is_some() { None } else { Some('-') }, arg)
    } else if let Some(arg) = op.strip_prefix(":?") {
        (if set_nonempty { None } else { Some('?') }, arg)
    } else if let Some(arg) = op.strip_prefix('?') {
        (if value.is_some() { None } else { Some('?') }, arg)
    } else if let Some(arg) = op.strip_prefix(":+") {
        (if set_nonempty { Some('+') } else { Some('0') }, arg)
    } else if let Some(arg) = op.strip_prefix('+') {
        (
            if value.is_some() {
                Some('+')
            } else {
                Some('0')
            },
            arg,
        )
    } else if op.is_empty() {
        (None, "")
    } else {
        return Err(InterpolationError::Syntax(input.into()));
    };
    match test {
        None => Ok(value.unwrap_or("").to_string()),
        Some('-') | Some('+') => interpolate(arg, vars),
        Some('?') => Err(InterpolationError::Required {
            name: name.into(),
            message: interpolate(arg, vars)?,
        }),
        _ => Ok(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars::new(
            [("SET", "yes"), ("EMPTY", ""), ("PORT", "8080")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn defaults_required_replacements_and_escapes() {
        let v = vars();
        let i = |s: &str| interpolate(s, &v).unwrap();
        assert_eq!(i("${SET}-$SET-$PORT/tcp"), "yes-yes-8080/tcp");
        assert_eq!(i("${UNSET:-d}|${EMPTY:-d}|${EMPTY-d}|${UNSET-d}"), "d|d||d");
        assert_eq!(i("${UNSET:-${PORT}}"), "8080");
        assert_eq!(i("${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}"), "alt||alt");
        assert_eq!(i("$$HOME and $$"), "$HOME and $");
        assert_eq!(i("${EMPTY?x}"), "");
        assert_eq!(
            interpolate("${UNSET:?set it}", &v),
            Err(InterpolationError::Required {
                name: "UNSET".into(),
                message: "set it".into()
            })
        );
        assert!(interpolate("${EMPTY:?}", &v).is_err());
        assert!(matches!(
            interpolate("${oops", &v),
            Err(InterpolationError::Syntax(_))
        ));
    }
}
