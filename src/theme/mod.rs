//! Themes: widgets ask for a [`Role`], the theme answers with a style. No widget uses a
//! literal color. Themes are TOML files (`themes/*.toml` built in, user themes in the
//! config dir); with `NO_COLOR` the monochrome theme keeps selection and severity visible
//! through bold, reverse and underline, and the text labels do the rest.

mod file;

pub use file::{BUILTIN_THEMES, builtin_names, load_theme, parse_color};

use crate::risk::{Band, Severity};
use ratatui::style::{Color, Modifier, Style};

/// What a piece of text *is*; the theme decides how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Plain text.
    Text,
    /// Secondary text (hints, timestamps, evidence labels).
    Muted,
    /// Pane and window titles.
    Title,
    /// Table column headers.
    Header,
    Border,
    /// The border of the pane that has the focus.
    BorderFocused,
    /// The selected row.
    Selected,
    /// The header bar at the top of the screen.
    Bar,
    /// A key name in hints and help.
    Key,
    TabActive,
    TabInactive,
    /// A search match.
    Match,
    /// Something added compared to Docker's defaults (capabilities).
    Added,
    /// Something removed compared to Docker's defaults (capabilities): good.
    Dropped,
    /// Marked dangerous (capability, mount).
    Danger,
    Severity(Severity),
    Band(Band),
    StatusInfo,
    StatusWarning,
    StatusError,
}

impl Role {
    /// Every role, in the order theme files list them.
    pub const ALL: [Role; 27] = [
        Role::Text,
        Role::Muted,
        Role::Title,
        Role::Header,
        Role::Border,
        Role::BorderFocused,
        Role::Selected,
        Role::Bar,
        Role::Key,
        Role::TabActive,
        Role::TabInactive,
        Role::Match,
        Role::Added,
        Role::Dropped,
        Role::Danger,
        Role::Severity(Severity::Critical),
        Role::Severity(Severity::High),
        Role::Severity(Severity::Medium),
        Role::Severity(Severity::Low),
        Role::Severity(Severity::Info),
        Role::Band(Band::Critical),
        Role::Band(Band::High),
        Role::Band(Band::Medium),
        Role::Band(Band::Low),
        Role::StatusInfo,
        Role::StatusWarning,
        Role::StatusError,
    ];

    /// The name a theme file's `[roles]` table uses.
    pub fn name(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Muted => "muted",
            Role::Title => "title",
            Role::Header => "header",
            Role::Border => "border",
            Role::BorderFocused => "border_focused",
            Role::Selected => "selected",
            Role::Bar => "bar",
            Role::Key => "key",
            Role::TabActive => "tab_active",
            Role::TabInactive => "tab_inactive",
            Role::Match => "match",
            Role::Added => "added",
            Role::Dropped => "dropped",
            Role::Danger => "danger",
            Role::Severity(Severity::Critical) => "severity_critical",
            Role::Severity(Severity::High) => "severity_high",
            Role::Severity(Severity::Medium) => "severity_medium",
            Role::Severity(Severity::Low) => "severity_low",
            Role::Severity(Severity::Info) => "severity_info",
            Role::Band(Band::Critical) => "band_critical",
            Role::Band(Band::High) => "band_high",
            Role::Band(Band::Medium) => "band_medium",
            Role::Band(Band::Low) => "band_low",
            Role::StatusInfo => "status_info",
            Role::StatusWarning => "status_warning",
            Role::StatusError => "status_error",
        }
    }

    /// Look a role up by its theme-file name.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// A resolved theme.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: std::collections::HashMap<Role, Style>,
    /// False for the monochrome (NO_COLOR) theme.
    pub colored: bool,
}

impl Theme {
    /// The style for a role (plain text style when the theme does not define it).
    pub fn style(&self, role: Role) -> Style {
        self.styles
            .get(&role)
            .copied()
            .or_else(|| self.styles.get(&Role::Text).copied())
            .unwrap_or_default()
    }

    /// Build from explicit role styles.
    pub fn from_styles(
        name: impl Into<String>,
        colored: bool,
        styles: impl IntoIterator<Item = (Role, Style)>,
    ) -> Self {
        Theme {
            name: name.into(),
            styles: styles.into_iter().collect(),
            colored,
        }
    }

    /// The built-in dark theme, used when nothing else loads.
    pub fn fallback_dark() -> Self {
        use Role::*;
        let sev = |c: Color| Style::new().fg(c).add_modifier(Modifier::BOLD);
        Theme::from_styles(
            "dark",
            true,
            [
                (Text, Style::new()),
                (Muted, Style::new().fg(Color::DarkGray)),
                (
                    Title,
                    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                ),
                (
                    Header,
                    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                ),
                (Border, Style::new().fg(Color::DarkGray)),
                (BorderFocused, Style::new().fg(Color::Cyan)),
                (Selected, Style::new().add_modifier(Modifier::REVERSED)),
                (Bar, Style::new().fg(Color::White).bg(Color::Blue)),
                (
                    Key,
                    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
                ),
                (
                    TabActive,
                    Style::new()
                        .fg(Color::Cyan)
                        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                ),
                (TabInactive, Style::new().fg(Color::DarkGray)),
                (Match, Style::new().fg(Color::Black).bg(Color::Yellow)),
                (Added, Style::new().fg(Color::Red)),
                (Dropped, Style::new().fg(Color::Green)),
                (
                    Danger,
                    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
                ),
                (
                    Severity(crate::risk::Severity::Critical),
                    sev(Color::LightRed),
                ),
                (Severity(crate::risk::Severity::High), sev(Color::Red)),
                (
                    Severity(crate::risk::Severity::Medium),
                    Style::new().fg(Color::Yellow),
                ),
                (
                    Severity(crate::risk::Severity::Low),
                    Style::new().fg(Color::Blue),
                ),
                (
                    Severity(crate::risk::Severity::Info),
                    Style::new().fg(Color::DarkGray),
                ),
                (Band(crate::risk::Band::Critical), sev(Color::LightRed)),
                (Band(crate::risk::Band::High), sev(Color::Red)),
                (
                    Band(crate::risk::Band::Medium),
                    Style::new().fg(Color::Yellow),
                ),
                (Band(crate::risk::Band::Low), Style::new().fg(Color::Green)),
                (StatusInfo, Style::new().fg(Color::Cyan)),
                (
                    StatusWarning,
                    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
                ),
                (
                    StatusError,
                    Style::new()
                        .fg(Color::White)
                        .bg(Color::Red)
                        .add_modifier(Modifier::BOLD),
                ),
            ],
        )
    }

    /// No colors at all (NO_COLOR): emphasis through modifiers only.
    pub fn monochrome() -> Self {
        use Role::*;
        let b = Style::new().add_modifier(Modifier::BOLD);
        Theme::from_styles(
            "monochrome",
            false,
            [
                (Text, Style::new()),
                (Muted, Style::new().add_modifier(Modifier::DIM)),
                (Title, b),
                (
                    Header,
                    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                ),
                (Border, Style::new()),
                (BorderFocused, b),
                (
                    Selected,
                    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
                ),
                (Bar, Style::new().add_modifier(Modifier::REVERSED)),
                (Key, b),
                (
                    TabActive,
                    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                ),
                (TabInactive, Style::new()),
                (Match, Style::new().add_modifier(Modifier::REVERSED)),
                (Added, b),
                (Dropped, Style::new()),
                (
                    Danger,
                    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                ),
                (
                    Severity(crate::risk::Severity::Critical),
                    Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
                ),
                (Severity(crate::risk::Severity::High), b),
                (
                    Severity(crate::risk::Severity::Medium),
                    Style::new().add_modifier(Modifier::UNDERLINED),
                ),
                (Severity(crate::risk::Severity::Low), Style::new()),
                (
                    Severity(crate::risk::Severity::Info),
                    Style::new().add_modifier(Modifier::DIM),
                ),
                (
                    Band(crate::risk::Band::Critical),
                    Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
                ),
                (Band(crate::risk::Band::High), b),
                (
                    Band(crate::risk::Band::Medium),
                    Style::new().add_modifier(Modifier::UNDERLINED),
                ),
                (Band(crate::risk::Band::Low), Style::new()),
                (StatusInfo, Style::new()),
                (StatusWarning, b),
                (
                    StatusError,
                    Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
                ),
            ],
        )
    }
}
