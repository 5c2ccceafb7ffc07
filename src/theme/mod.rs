//! Themes: widgets ask for a [`Role`], the theme answers with a style. No widget uses a
//! literal color. Themes are TOML files (`themes/*.toml` built in, user themes in the
//! config dir); with `NO_COLOR` the monochrome theme keeps selection and severity visible
//! through bold, reverse and underline, and the text labels do the rest.

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
                (Title, Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)),
                (Header, Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
                (Border, Style::new().fg(Color::DarkGray)),
                (BorderFocused, Style::new().fg(Color::Cyan)),
                (Selected, Style::new().add_modifier(Modifier::REVERSED)),
                (Bar, Style::new().fg(Color::White).bg(Color::Blue)),
                (Key, Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)),
                (TabActive, Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
                (TabInactive, Style::new().fg(Color::DarkGray)),
                (Match, Style::new().fg(Color::Black).bg(Color::Yellow)),
                (Added, Style::new().fg(Color::Red)),
                (Dropped, Style::new().fg(Color::Green)),
                (Danger, Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)),
                (Severity(crate::risk::Severity::Critical), sev(Color::LightRed)),
                (Severity(crate::risk::Severity::High), sev(Color::Red)),
                (Severity(crate::risk::Severity::Medium), Style::new().fg(Color::Yellow)),
                (Severity(crate::risk::Severity::Low), Style::new().fg(Color::Blue)),
                (Severity(crate::risk::Severity::Info), Style::new().fg(Color::DarkGray)),
                (Band(crate::risk::Band::Critical), sev(Color::LightRed)),
                (Band(crate::risk::Band::High), sev(Color::Red)),
                (Band(crate::risk::Band::Medium), Style::new().fg(Color::Yellow)),
                (Band(crate::risk::Band::Low), Style::new().fg(Color::Green)),
                (StatusInfo, Style::new().fg(Color::Cyan)),
                (StatusWarning, Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)),
                (StatusError, Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD)),
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
                (Header, Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
                (Border, Style::new()),
                (BorderFocused, b),
                (Selected, Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)),
                (Bar, Style::new().add_modifier(Modifier::REVERSED)),
                (Key, b),
                (TabActive, Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
                (TabInactive, Style::new()),
                (Match, Style::new().add_modifier(Modifier::REVERSED)),
                (Added, b),
                (Dropped, Style::new()),
                (Danger, Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
                (Severity(crate::risk::Severity::Critical), Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)),
                (Severity(crate::risk::Severity::High), b),
                (Severity(crate::risk::Severity::Medium), Style::new().add_modifier(Modifier::UNDERLINED)),
                (Severity(crate::risk::Severity::Low), Style::new()),
                (Severity(crate::risk::Severity::Info), Style::new().add_modifier(Modifier::DIM)),
                (Band(crate::risk::Band::Critical), Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)),
                (Band(crate::risk::Band::High), b),
                (Band(crate::risk::Band::Medium), Style::new().add_modifier(Modifier::UNDERLINED)),
                (Band(crate::risk::Band::Low), Style::new()),
                (StatusInfo, Style::new()),
                (StatusWarning, b),
                (StatusError, Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)),
            ],
        )
    }
}
