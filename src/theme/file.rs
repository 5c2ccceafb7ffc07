//! Theme files: TOML with a `[roles]` table, read with the `config` crate.
//!
//! ```toml
//! extends = "dark"            # optional: start from another theme, then replace roles
//! [roles]
//! title = { fg = "cyan", bold = true }
//! selected = { fg = "black", bg = "#ffd75f" }
//! muted = { fg = "indexed:244" }
//! ```
//!
//! A role's table replaces the extended theme's style for that role entirely. Keys: `fg`, `bg`
//! (a color name such as `red`, `lightred`, `darkgray`; `#rrggbb`; `indexed:0`..`indexed:255`;
//! `reset`) and `bold`, `italic`, `underlined`, `reversed`, `dim` (true or false). A role a
//! theme does not define is drawn in its `text` style.
//!
//! The built-in themes (`themes/*.toml` in the repository) are compiled into the binary. A user
//! file `<config dir>/themes/<name>.toml` wins over a built-in of the same name; such a file
//! may say `extends = "<its own name>"` to start from the built-in it replaces.

use super::{Role, Theme};
use crate::config::kind_name;
use config::{Source, Value, ValueKind};
use ratatui::style::{Color, Modifier, Style};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The built-in themes: name and file text (compiled in, so the binary needs no files).
pub const BUILTIN_THEMES: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// Longest `extends` chain followed.
const MAX_EXTENDS: usize = 8;

const STYLE_KEYS: &str = "fg, bg, bold, italic, underlined, reversed, dim";
const COLOR_HELP: &str = "use a color name (black, red, green, yellow, blue, magenta, cyan, gray, \
                          darkgray, lightred, lightgreen, lightyellow, lightblue, lightmagenta, \
                          lightcyan, white, reset), #rrggbb, or indexed:0 to indexed:255";

/// The names of the built-in themes.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN_THEMES.iter().map(|(n, _)| *n).collect()
}

/// The theme to draw with, and warnings for the user.
///
/// `no_color` (the caller checks for a non-empty `NO_COLOR`) gives the monochrome theme. An
/// unknown name or a broken file gives warnings naming the file, the role or key and the
/// problem, and the built-in dark theme.
pub fn load_theme(name: &str, config_dir: Option<&Path>, no_color: bool) -> (Theme, Vec<String>) {
    if no_color {
        return (Theme::monochrome(), Vec::new());
    }
    let mut chain = Vec::new();
    match resolve(name, config_dir, false, &mut chain) {
        Ok(styles) => (Theme::from_styles(name, true, styles), Vec::new()),
        Err(mut warnings) => {
            warnings.push(format!(
                "theme `{name}` not used; drawing with the built-in dark theme"
            ));
            (builtin_dark(), warnings)
        }
    }
}

/// The built-in dark theme (the same styles as [`Theme::fallback_dark`], which a test checks).
fn builtin_dark() -> Theme {
    Theme::fallback_dark()
}

/// Where a theme comes from.
enum Origin {
    User(PathBuf),
    Builtin(&'static str),
}

impl Origin {
    fn label(&self, name: &str) -> String {
        match self {
            Origin::User(path) => format!("theme file {}", path.display()),
            Origin::Builtin(_) => format!("built-in theme {name} (themes/{name}.toml)"),
        }
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn find(name: &str, config_dir: Option<&Path>, skip_user: bool) -> Option<Origin> {
    if !skip_user
        && let Some(path) = config_dir.map(|d| d.join("themes").join(format!("{name}.toml")))
        && path.is_file()
    {
        return Some(Origin::User(path));
    }
    BUILTIN_THEMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| Origin::Builtin(text))
}

/// The styles of theme `name`, following `extends`. `chain` holds the themes being resolved
/// (name, is a user file) to catch loops.
fn resolve(
    name: &str,
    config_dir: Option<&Path>,
    skip_user: bool,
    chain: &mut Vec<(String, bool)>,
) -> Result<HashMap<Role, Style>, Vec<String>> {
    if !valid_name(name) {
        return Err(vec![format!(
            "theme `{name}`: not a theme name (letters, digits, - and _; no path or .toml)"
        )]);
    }
    let Some(origin) = find(name, config_dir, skip_user) else {
        let user_hint = config_dir
            .map(|d| {
                format!(
                    "; your own themes go in {}",
                    d.join("themes").join(format!("{name}.toml")).display()
                )
            })
            .unwrap_or_default();
        return Err(vec![format!(
            "theme `{name}`: no such theme (built in: {}){user_hint}",
            builtin_names().join(", ")
        )]);
    };
    let is_user = matches!(origin, Origin::User(_));
    let label = origin.label(name);
    if chain.iter().any(|(n, user)| n == name && *user == is_user) {
        let path: Vec<&str> = chain.iter().map(|(n, _)| n.as_str()).collect();
        return Err(vec![format!(
            "{label}: extends leads back to itself ({} -> {name})",
            path.join(" -> ")
        )]);
    }
    if chain.len() >= MAX_EXTENDS {
        return Err(vec![format!(
            "{label}: extends: more than {MAX_EXTENDS} themes deep"
        )]);
    }
    let text = match &origin {
        Origin::User(path) => std::fs::read_to_string(path)
            .map_err(|e| vec![format!("{label}: cannot read the file: {e}")])?,
        Origin::Builtin(text) => (*text).to_string(),
    };
    let parsed = parse_theme(&text).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| format!("{label}: {p}"))
            .collect::<Vec<_>>()
    })?;

    chain.push((name.to_string(), is_user));
    let mut styles = HashMap::new();
    if let Some(parent) = &parsed.extends {
        // A user file extending its own name starts from the built-in it shadows.
        let skip_user = is_user && parent == name;
        styles = resolve(parent, config_dir, skip_user, chain).map_err(|mut problems| {
            problems.insert(0, format!("{label}: extends: cannot load theme `{parent}`"));
            problems
        })?;
    }
    chain.pop();
    styles.extend(parsed.roles);
    Ok(styles)
}

/// A theme file's contents.
#[derive(Debug, Default)]
struct ThemeFile {
    extends: Option<String>,
    roles: Vec<(Role, Style)>,
}

/// Read a theme file; each problem names the key (`roles.<role>.<key>`).
fn parse_theme(text: &str) -> Result<ThemeFile, Vec<String>> {
    let root = config::Config::builder()
        .add_source(config::File::from_str(text, config::FileFormat::Toml))
        .build()
        .and_then(|c| c.collect())
        .map_err(|e| {
            vec![match &e {
                config::ConfigError::FileParse { cause, .. } => {
                    crate::config::toml_syntax_message(&cause.to_string())
                }
                other => other.to_string(),
            }]
        })?;
    let mut problems = Vec::new();
    let mut file = ThemeFile::default();
    let mut keys: Vec<&String> = root.keys().collect();
    keys.sort();
    for key in keys {
        let value = &root[key];
        match key.as_str() {
            "extends" => match &value.kind {
                ValueKind::String(s) => file.extends = Some(s.clone()),
                other => problems.push(format!(
                    "extends: expected a theme name, found {}",
                    kind_name(other)
                )),
            },
            "description" => {}
            "roles" => match &value.kind {
                ValueKind::Table(roles) => {
                    let mut names: Vec<&String> = roles.keys().collect();
                    names.sort();
                    for name in names {
                        match Role::from_name(name) {
                            Some(role) => match parse_style(&roles[name]) {
                                Ok(style) => file.roles.push((role, style)),
                                Err(ps) => problems
                                    .extend(ps.into_iter().map(|p| format!("roles.{name}{p}"))),
                            },
                            None => problems.push(format!(
                                "roles.{name}: unknown role (roles: {})",
                                Role::ALL.map(Role::name).join(", ")
                            )),
                        }
                    }
                }
                other => problems.push(format!(
                    "roles: expected a [roles] table, found {}",
                    kind_name(other)
                )),
            },
            other => problems.push(format!(
                "{other}: unknown key (known keys: extends, description, roles)"
            )),
        }
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

/// One role's style; problems start with the sub-key (`.fg: ...`) or `: ...`.
fn parse_style(value: &Value) -> Result<Style, Vec<String>> {
    let ValueKind::Table(table) = &value.kind else {
        return Err(vec![format!(
            r#": expected a table such as {{ fg = "red", bold = true }}, found {}"#,
            kind_name(&value.kind)
        )]);
    };
    let mut style = Style::new();
    let mut problems = Vec::new();
    let mut keys: Vec<&String> = table.keys().collect();
    keys.sort();
    for key in keys {
        let v = &table[key];
        let modifier = match key.as_str() {
            "fg" | "bg" => {
                match &v.kind {
                    ValueKind::String(s) => match parse_color(s) {
                        Ok(c) if key == "fg" => style = style.fg(c),
                        Ok(c) => style = style.bg(c),
                        Err(p) => problems.push(format!(".{key}: {p}")),
                    },
                    other => problems.push(format!(
                        ".{key}: expected a color string, found {}; {COLOR_HELP}",
                        kind_name(other)
                    )),
                }
                continue;
            }
            "bold" => Modifier::BOLD,
            "italic" => Modifier::ITALIC,
            "underlined" => Modifier::UNDERLINED,
            "reversed" => Modifier::REVERSED,
            "dim" => Modifier::DIM,
            other => {
                problems.push(format!(".{other}: unknown key (known keys: {STYLE_KEYS})"));
                continue;
            }
        };
        match &v.kind {
            ValueKind::Boolean(true) => style = style.add_modifier(modifier),
            ValueKind::Boolean(false) => {}
            other => problems.push(format!(
                ".{key}: expected true or false, found {}",
                kind_name(other)
            )),
        }
    }
    if problems.is_empty() {
        Ok(style)
    } else {
        Err(problems)
    }
}

/// Why a theme color does not parse; the message names the text and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColorError {
    #[error("`{0}` is not a #rrggbb color")]
    Hex(String),
    #[error("`{0}`: the index must be between 0 and 255")]
    Index(String),
    #[error("unknown color `{0}`; {COLOR_HELP}")]
    Unknown(String),
}

/// A color: a name (`red`, `lightred`, `darkgray`, `dark-gray`, `reset`), `#rrggbb`, or
/// `indexed:N` (0..=255).
pub fn parse_color(text: &str) -> Result<Color, ColorError> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix('#') {
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
            return Ok(Color::Rgb(byte(0), byte(2), byte(4)));
        }
        return Err(ColorError::Hex(text.to_string()));
    }
    if let Some(n) = t
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("indexed:"))
        .map(|_| &t[8..])
    {
        return n
            .trim()
            .parse::<u8>()
            .map(Color::Indexed)
            .map_err(|_| ColorError::Index(text.to_string()));
    }
    let name: String = t
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    let color = match name.as_str() {
        "reset" | "default" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return Err(ColorError::Unknown(text.to_string())),
    };
    Ok(color)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::{Band, Severity};

    fn builtin(name: &str) -> Theme {
        let (theme, warnings) = load_theme(name, None, false);
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        assert_eq!(theme.name, name);
        theme
    }

    fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join("themes").join(format!("{name}.toml")), text).unwrap();
        }
        dir
    }

    #[test]
    fn every_builtin_theme_parses_and_defines_every_role() {
        assert_eq!(builtin_names(), vec!["dark", "light", "high-contrast"]);
        for (name, text) in BUILTIN_THEMES {
            let file = parse_theme(text).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert_eq!(file.extends, None, "{name} stands alone");
            for role in Role::ALL {
                assert!(
                    file.roles.iter().any(|(r, _)| *r == role),
                    "{name} does not define {}",
                    role.name()
                );
            }
            assert_eq!(file.roles.len(), Role::ALL.len(), "{name}");
            assert!(builtin(name).colored);
        }
    }

    #[test]
    fn severities_are_pairwise_distinct_in_every_theme() {
        let mut themes: Vec<Theme> = builtin_names().into_iter().map(builtin).collect();
        themes.push(Theme::monochrome());
        themes.push(Theme::fallback_dark());
        for theme in &themes {
            for (i, a) in Severity::ALL.iter().enumerate() {
                for b in &Severity::ALL[i + 1..] {
                    assert_ne!(
                        theme.style(Role::Severity(*a)),
                        theme.style(Role::Severity(*b)),
                        "{}: {a:?} and {b:?} look the same",
                        theme.name
                    );
                }
            }
            let bands = [Band::Critical, Band::High, Band::Medium, Band::Low];
            for (i, a) in bands.iter().enumerate() {
                for b in &bands[i + 1..] {
                    assert_ne!(
                        theme.style(Role::Band(*a)),
                        theme.style(Role::Band(*b)),
                        "{}: bands {a:?} and {b:?}",
                        theme.name
                    );
                }
            }
            // The selected row stands out from plain text.
            assert_ne!(
                theme.style(Role::Selected),
                theme.style(Role::Text),
                "{}",
                theme.name
            );
        }
    }

    #[test]
    fn the_dark_file_is_the_fallback() {
        let mut dark = builtin("dark");
        dark.name = Theme::fallback_dark().name;
        assert_eq!(dark, Theme::fallback_dark());
    }

    #[test]
    fn high_contrast_severities_are_bold() {
        let hc = builtin("high-contrast");
        for sev in Severity::ALL {
            assert!(
                hc.style(Role::Severity(sev))
                    .add_modifier
                    .contains(Modifier::BOLD),
                "{sev:?}"
            );
        }
    }

    #[test]
    fn no_color_gives_monochrome_whatever_the_name() {
        for name in ["dark", "light", "nope", "../x"] {
            let (theme, warnings) = load_theme(name, None, true);
            assert_eq!(theme, Theme::monochrome());
            assert!(!theme.colored);
            assert!(warnings.is_empty());
        }
    }

    #[test]
    fn unknown_names_warn_and_give_dark() {
        let dir = user_dir(&[]);
        let (theme, warnings) = load_theme("solarized", Some(dir.path()), false);
        assert_eq!(theme, Theme::fallback_dark());
        assert!(warnings[0].contains("solarized") && warnings[0].contains("no such theme"));
        assert!(
            warnings[0].contains("high-contrast"),
            "lists the built-ins: {warnings:?}"
        );
        assert!(
            warnings[0].contains("themes/solarized.toml"),
            "{warnings:?}"
        );
        assert!(warnings.last().unwrap().contains("dark theme"));

        let (theme, warnings) = load_theme("../etc/passwd", Some(dir.path()), false);
        assert_eq!(theme, Theme::fallback_dark());
        assert!(warnings[0].contains("not a theme name"), "{warnings:?}");
    }

    #[test]
    fn a_user_theme_is_loaded_and_wins_over_a_builtin() {
        let dir = user_dir(&[
            (
                "mine",
                "[roles]\ntext = { fg = \"white\" }\ntitle = { fg = \"#ff8800\", bold = true }\n",
            ),
            (
                "light",
                "extends = \"light\"\n[roles]\ntitle = { fg = \"magenta\" }\n",
            ),
        ]);
        let (theme, warnings) = load_theme("mine", Some(dir.path()), false);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(theme.name, "mine");
        assert_eq!(
            theme.style(Role::Title),
            Style::new()
                .fg(Color::Rgb(0xff, 0x88, 0))
                .add_modifier(Modifier::BOLD)
        );
        // Undefined roles use the text style.
        assert_eq!(theme.style(Role::Muted), Style::new().fg(Color::White));

        // A user `light.toml` extending "light" starts from the built-in light theme.
        let (theme, warnings) = load_theme("light", Some(dir.path()), false);
        assert!(warnings.is_empty(), "{warnings:?}");
        let builtin_light = builtin("light");
        assert_eq!(theme.style(Role::Title), Style::new().fg(Color::Magenta));
        assert_eq!(theme.style(Role::Muted), builtin_light.style(Role::Muted));
        assert_eq!(
            theme.style(Role::Severity(Severity::High)),
            builtin_light.style(Role::Severity(Severity::High))
        );
    }

    #[test]
    fn extends_chains_and_loops() {
        let dir = user_dir(&[
            ("a", "extends = \"b\"\n[roles]\ntitle = { fg = \"red\" }\n"),
            (
                "b",
                "extends = \"high-contrast\"\n[roles]\nmuted = { fg = \"blue\" }\n",
            ),
            ("x", "extends = \"y\"\n"),
            ("y", "extends = \"x\"\n"),
            ("self", "extends = \"self\"\n"),
            ("gone", "extends = \"nothing-here\"\n"),
        ]);
        let (theme, warnings) = load_theme("a", Some(dir.path()), false);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(theme.style(Role::Title), Style::new().fg(Color::Red));
        assert_eq!(theme.style(Role::Muted), Style::new().fg(Color::Blue));
        let hc = builtin("high-contrast");
        assert_eq!(theme.style(Role::Bar), hc.style(Role::Bar));

        let (theme, warnings) = load_theme("x", Some(dir.path()), false);
        assert_eq!(theme, Theme::fallback_dark());
        assert!(
            warnings.iter().any(|w| w.contains("leads back")),
            "{warnings:?}"
        );
        assert!(
            warnings.iter().any(|w| w.contains("x.toml")),
            "{warnings:?}"
        );

        // A user file extending its own name means the built-in of that name; there is none.
        let (_, warnings) = load_theme("self", Some(dir.path()), false);
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("theme `self`: no such theme")),
            "{warnings:?}"
        );

        let (_, warnings) = load_theme("gone", Some(dir.path()), false);
        assert!(
            warnings[0].contains("gone.toml") && warnings[0].contains("extends"),
            "{warnings:?}"
        );
        assert!(
            warnings.iter().any(|w| w.contains("nothing-here")),
            "{warnings:?}"
        );
    }

    #[test]
    fn broken_files_name_the_file_the_role_and_the_problem() {
        let cases: &[(&str, &[&str])] = &[
            (
                "[roles]\ntitle = { fg = \"reddish\" }\n",
                &["roles.title.fg", "unknown color `reddish`"],
            ),
            (
                "[roles]\ntitle = { fg = \"#12345\" }\n",
                &["roles.title.fg", "#rrggbb"],
            ),
            (
                "[roles]\ntitle = { fg = \"indexed:256\" }\n",
                &["roles.title.fg", "between 0 and 255"],
            ),
            (
                "[roles]\ntitle = { fg = 3 }\n",
                &["roles.title.fg", "expected a color"],
            ),
            (
                "[roles]\ntitle = { bold = \"yes\" }\n",
                &["roles.title.bold", "true or false"],
            ),
            (
                "[roles]\ntitle = { blink = true }\n",
                &["roles.title.blink", "unknown key"],
            ),
            (
                "[roles]\ntitel = { bold = true }\n",
                &["roles.titel", "unknown role"],
            ),
            (
                "[roles]\ntitle = \"red\"\n",
                &["roles.title", "expected a table"],
            ),
            ("roles = 1\n", &["roles", "expected a [roles] table"]),
            ("colors = 1\n", &["colors", "unknown key"]),
            ("extends = 1\n", &["extends", "expected a theme name"]),
            ("[roles\n", &["TOML syntax error at line 1"]),
        ];
        for (text, wants) in cases {
            let dir = user_dir(&[("broken", text)]);
            let (theme, warnings) = load_theme("broken", Some(dir.path()), false);
            assert_eq!(theme, Theme::fallback_dark(), "{text}");
            let first = &warnings[0];
            assert!(
                first.contains("theme file ") && first.contains("broken.toml"),
                "{first}"
            );
            for want in *wants {
                assert!(first.contains(want), "{text:?}: wanted {want:?} in {first}");
            }
            assert!(!first.contains('\n'), "one line: {first}");
        }
        // Every problem in a file is reported.
        let dir = user_dir(&[(
            "two",
            "[roles]\ntitle = { fg = \"nope\" }\nmuted = { dim = 1 }\n",
        )]);
        let (_, warnings) = load_theme("two", Some(dir.path()), false);
        assert!(
            warnings.iter().any(|w| w.contains("roles.title.fg")),
            "{warnings:?}"
        );
        assert!(
            warnings.iter().any(|w| w.contains("roles.muted.dim")),
            "{warnings:?}"
        );
    }

    #[test]
    fn colors_parse() {
        let cases = [
            ("red", Color::Red),
            ("Red", Color::Red),
            ("lightred", Color::LightRed),
            ("light-red", Color::LightRed),
            ("light_red", Color::LightRed),
            ("darkgray", Color::DarkGray),
            ("dark gray", Color::DarkGray),
            ("grey", Color::Gray),
            ("white", Color::White),
            ("black", Color::Black),
            ("reset", Color::Reset),
            ("#ff0000", Color::Rgb(255, 0, 0)),
            ("#00FF7f", Color::Rgb(0, 255, 127)),
            ("indexed:208", Color::Indexed(208)),
            ("indexed:0", Color::Indexed(0)),
            ("Indexed:255", Color::Indexed(255)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_color(text), Ok(want), "{text}");
        }
        for bad in [
            "",
            "reddish",
            "#ff00",
            "#gg0000",
            "#ff00000",
            "indexed:",
            "indexed:-1",
            "indexed:256",
            "208",
        ] {
            assert!(parse_color(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn modifiers_parse() {
        let v = |text: &str| parse_theme(text).map(|f| f.roles[0].1);
        assert_eq!(
            v(
                "[roles]\nkey = { bold = true, italic = true, underlined = true, reversed = true, dim = true }\n"
            ),
            Ok(Style::new().add_modifier(
                Modifier::BOLD
                    | Modifier::ITALIC
                    | Modifier::UNDERLINED
                    | Modifier::REVERSED
                    | Modifier::DIM
            ))
        );
        assert_eq!(
            v("[roles]\nkey = { bold = false, fg = \"red\", bg = \"indexed:16\" }\n"),
            Ok(Style::new().fg(Color::Red).bg(Color::Indexed(16)))
        );
        assert_eq!(v("[roles]\ntext = {}\n"), Ok(Style::new()));
        // The table form works too.
        assert_eq!(
            v("[roles.title]\nfg = \"cyan\"\nbold = true\n"),
            Ok(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
        );
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_name(role.name()), Some(role));
        }
        let mut names: Vec<&str> = Role::ALL.map(Role::name).to_vec();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Role::ALL.len());
        assert_eq!(Role::from_name("nope"), None);
    }
}
