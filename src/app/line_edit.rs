//! Editing one line of text: the cursor of the input being typed (fleet filter, feed filter,
//! inspect or log search, the `:` command line). Only one input takes keys at a time, so the
//! console keeps one [`LineEdit`] and applies its keys to whichever text is active.
//!
//! Keys: characters insert at the cursor, `backspace`/`delete` erase around it,
//! `left`/`right`/`home`/`end` move it, `ctrl-u` clears the text before the cursor, `ctrl-w`
//! the word before it. An input opened on existing text starts with that text selected: the
//! first character typed replaces it, a movement key keeps it.

/// One key typed into a text input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKey {
    Char(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// `ctrl-u`: erase from the start of the line to the cursor.
    ClearBefore,
    /// `ctrl-w`: erase the word before the cursor (and the spaces after it).
    EraseWord,
    /// `tab`: complete (the command line only).
    Complete,
    Enter,
    Esc,
}

/// The cursor of the active input and whether its text is selected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineEdit {
    /// Position in characters (not bytes).
    pub cursor: usize,
    /// The whole text is selected: typing replaces it.
    pub selected: bool,
}

impl LineEdit {
    /// Start editing `text`: the cursor at its end, and a non-empty text selected.
    pub fn begin(text: &str) -> LineEdit {
        LineEdit {
            cursor: text.chars().count(),
            selected: !text.is_empty(),
        }
    }

    /// Apply an editing key to `text`; `Enter`, `Esc` and `Complete` are the caller's and
    /// change nothing here. Returns whether the text changed.
    pub fn apply(&mut self, text: &mut String, key: InputKey) -> bool {
        let len = text.chars().count();
        self.cursor = self.cursor.min(len);
        let selected = std::mem::take(&mut self.selected);
        let byte = |s: &str, chars: usize| s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i);
        match key {
            InputKey::Char(c) => {
                if selected {
                    text.clear();
                    self.cursor = 0;
                }
                text.insert(byte(text, self.cursor), c);
                self.cursor += 1;
                true
            }
            InputKey::Backspace | InputKey::ClearBefore if selected => {
                text.clear();
                self.cursor = 0;
                len > 0
            }
            InputKey::Backspace => {
                if self.cursor == 0 {
                    return false;
                }
                let at = byte(text, self.cursor - 1);
                text.remove(at);
                self.cursor -= 1;
                true
            }
            InputKey::Delete => {
                if self.cursor >= len {
                    return false;
                }
                text.remove(byte(text, self.cursor));
                true
            }
            InputKey::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                false
            }
            InputKey::Right => {
                self.cursor = (self.cursor + 1).min(len);
                false
            }
            InputKey::Home => {
                self.cursor = 0;
                false
            }
            InputKey::End => {
                self.cursor = len;
                false
            }
            InputKey::ClearBefore => {
                let at = byte(text, self.cursor);
                text.replace_range(..at, "");
                let changed = self.cursor > 0;
                self.cursor = 0;
                changed
            }
            InputKey::EraseWord => {
                let chars: Vec<char> = text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                if start == self.cursor {
                    return false;
                }
                let (from, to) = (byte(text, start), byte(text, self.cursor));
                text.replace_range(from..to, "");
                self.cursor = start;
                true
            }
            InputKey::Complete | InputKey::Enter | InputKey::Esc => {
                self.selected = selected;
                false
            }
        }
    }

    /// `text` split at the cursor: `(before, after)`.
    pub fn split<'a>(&self, text: &'a str) -> (&'a str, &'a str) {
        let at = text
            .char_indices()
            .nth(self.cursor)
            .map_or(text.len(), |(i, _)| i);
        text.split_at(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(start: &str, keys: &[InputKey]) -> (String, LineEdit) {
        let mut text = start.to_string();
        let mut edit = LineEdit::begin(start);
        for k in keys {
            edit.apply(&mut text, *k);
        }
        (text, edit)
    }

    use InputKey::*;

    #[test]
    fn an_input_opened_on_text_selects_it_and_typing_replaces_it() {
        let (text, edit) = typed("nginx", &[Char('r'), Char('e')]);
        assert_eq!((text.as_str(), edit.cursor), ("re", 2));
        // A movement keeps the text and ends the selection.
        let (text, _) = typed("nginx", &[End, Char('!')]);
        assert_eq!(text, "nginx!");
        let (text, _) = typed("nginx", &[Home, Char('>')]);
        assert_eq!(text, ">nginx");
        // Backspace on a selection erases it all.
        let (text, _) = typed("nginx", &[Backspace]);
        assert_eq!(text, "");
        // An empty input selects nothing.
        assert!(!LineEdit::begin("").selected);
    }

    #[test]
    fn ctrl_u_ctrl_w_home_end_and_the_arrows_edit_at_the_cursor() {
        let (text, edit) = typed(
            "",
            &"alpha beta  gamma".chars().map(Char).collect::<Vec<_>>(),
        );
        assert_eq!(edit.cursor, 17);
        let mut t = text.clone();
        let mut e = edit;
        e.apply(&mut t, EraseWord);
        assert_eq!(t, "alpha beta  ");
        e.apply(&mut t, EraseWord);
        assert_eq!(t, "alpha ", "spaces before the word go with it");
        e.apply(&mut t, Home);
        e.apply(&mut t, Right);
        e.apply(&mut t, Char('X'));
        assert_eq!(t, "aXlpha ");
        assert_eq!(e.split(&t), ("aX", "lpha "));
        e.apply(&mut t, ClearBefore);
        assert_eq!((t.as_str(), e.cursor), ("lpha ", 0));
        e.apply(&mut t, Delete);
        assert_eq!(t, "pha ");
        e.apply(&mut t, End);
        e.apply(&mut t, Left);
        e.apply(&mut t, Backspace);
        assert_eq!(t, "ph ");
        // Nothing before the cursor: ctrl-w and backspace change nothing.
        e.apply(&mut t, Home);
        assert!(!e.apply(&mut t, EraseWord));
        assert!(!e.apply(&mut t, Backspace));
    }

    #[test]
    fn multibyte_characters_are_edited_whole() {
        let (text, edit) = typed("", &[Char('é'), Char('ü'), Left, Char('ß')]);
        assert_eq!((text.as_str(), edit.cursor), ("éßü", 2));
        let (text, _) = typed("", &[Char('é'), Char(' '), Char('ü'), EraseWord]);
        assert_eq!(text, "é ");
    }
}
