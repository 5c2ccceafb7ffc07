//! A YAML document as a tree whose every node keeps the line it starts on, built from
//! `yaml-rust2`'s marked events (anchors, aliases and `<<` merge keys resolved). Compose
//! findings point at the key that causes them, so the positions must survive parsing.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use std::collections::HashMap;

/// A node and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
    /// Which file of the project the node comes from (set by the loader; `extends` and
    /// `include` mix nodes of several files).
    pub file: usize,
}

/// One key of a mapping: its text, its line, its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub line: usize,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// A scalar's text; `quoted` for single or double quoted scalars (never null or bool).
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A syntax error: what and where (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Node {
    pub fn null(line: usize) -> Node {
        Node {
            value: Value::Null,
            line,
            file: 0,
        }
    }

    /// Mark this node and everything under it as coming from file `file`.
    pub fn set_file(&mut self, file: usize) {
        self.file = file;
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.set_file(file)),
            Value::Map(entries) => entries.iter_mut().for_each(|e| e.value.set_file(file)),
            Value::Null | Value::Scalar { .. } => {}
        }
    }

    /// The value of `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry of `key` (with the key's line) when this is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The text of a scalar (`None` for null, sequences and mappings).
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A boolean (`true`/`false`, also `yes`/`no`/`on`/`off` as Compose files use them).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, .. } => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "y" => Some(true),
                "false" | "no" | "off" | "n" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Parse one YAML document (the first, if there are several; an empty file is `Null`).
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(source);
    parser.load(&mut builder, false).map_err(|e| SyntaxError {
        line: e.marker().line(),
        col: e.marker().col() + 1,
        message: e.info().to_string(),
    })?;
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root.unwrap_or_else(|| Node::null(1)))
}

/// A container being filled: a sequence, or a mapping waiting for a key or a value.
enum Open {
    Seq(Vec<Node>, usize, usize),
    Map {
        entries: Vec<Entry>,
        key: Option<(String, usize)>,
        line: usize,
        anchor: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    error: Option<SyntaxError>,
}

fn scalar_value(text: String, style: TScalarStyle) -> Value {
    let quoted = !matches!(style, TScalarStyle::Plain);
    if !quoted && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
        Value::Null
    } else {
        Value::Scalar { text, quoted }
    }
}

impl Builder {
    fn fail(&mut self, mark: Marker, message: &str) {
        if self.error.is_none() {
            self.error = Some(SyntaxError {
                line: mark.line(),
                col: mark.col() + 1,
                message: message.to_string(),
            });
        }
    }

    /// A finished node goes into its parent (or becomes the root).
    fn push(&mut self, node: Node, anchor: usize, mark: Marker) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Open::Seq(items, _, _)) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => {
                    let Some(k) = node
                        .text()
                        .map(str::to_string)
                        .or_else(|| node.is_null().then(String::new))
                    else {
                        self.fail(mark, "a mapping key must be a scalar");
                        return;
                    };
                    *key = Some((k, node.line));
                }
                Some((k, line)) => {
                    if k == "<<" {
                        merge_into(entries, node);
                    } else if let Some(existing) = entries.iter_mut().find(|e| e.key == k) {
                        // A later explicit key replaces a merged one.
                        existing.line = line;
                        existing.value = node;
                    } else {
                        entries.push(Entry {
                            key: k,
                            line,
                            value: node,
                        });
                    }
                }
            },
        }
    }
}

/// `<<: *base` (or a list of them): keys not already present are taken from the mapping(s).
fn merge_into(entries: &mut Vec<Entry>, source: Node) {
    let sources = match source.value {
        Value::Seq(items) => items,
        other => vec![Node {
            value: other,
            line: source.line,
            file: source.file,
        }],
    };
    for s in sources {
        if let Value::Map(more) = s.value {
            for e in more {
                if !entries.iter().any(|x| x.key == e.key) {
                    entries.push(e);
                }
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let line = mark.line();
        match ev {
            Event::Scalar(text, style, anchor, _) => {
                let node = Node {
                    value: scalar_value(text, style),
                    line,
                    file: 0,
                };
                self.push(node, anchor, mark);
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(mut node) => {
                    node.line = line;
                    self.push(node, 0, mark);
                }
                None => self.fail(mark, "alias to an unknown anchor"),
            },
            Event::SequenceStart(anchor, _) => self.stack.push(Open::Seq(Vec::new(), line, anchor)),
            Event::MappingStart(anchor, _) => self.stack.push(Open::Map {
                entries: Vec::new(),
                key: None,
                line,
                anchor,
            }),
            Event::SequenceEnd => {
                if let Some(Open::Seq(items, line, anchor)) = self.stack.pop() {
                    self.push(
                        Node {
                            value: Value::Seq(items),
                            line,
                            file: 0,
                        },
                        anchor,
                        mark,
                    );
                }
            }
            Event::MappingEnd => {
                if let Some(Open::Map {
                    entries,
                    line,
                    anchor,
                    ..
                }) = self.stack.pop()
                {
                    self.push(
                        Node {
                            value: Value::Map(entries),
                            line,
                            file: 0,
                        },
                        anchor,
                        mark,
                    );
                }
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept_for_keys_and_items() {
        let doc = parse("services:\n  web:\n    privileged: true\n    volumes:\n      - /:/host\n")
            .unwrap();
        let web = doc.get("services").unwrap().get("web").unwrap();
        assert_eq!(web.entry("privileged").unwrap().line, 3);
        assert_eq!(web.get("privileged").unwrap().as_bool(), Some(true));
        assert_eq!(web.get("volumes").unwrap().items()[0].line, 5);
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let doc = parse(
            "x-base: &base\n  privileged: true\n  user: app\nservices:\n  a:\n    <<: *base\n    user: root\n",
        )
        .unwrap();
        let a = doc.get("services").unwrap().get("a").unwrap();
        assert_eq!(a.get("privileged").unwrap().as_bool(), Some(true));
        assert_eq!(a.get("user").unwrap().text(), Some("root"));
    }

    #[test]
    fn quoted_scalars_are_not_null_and_errors_have_a_line() {
        let doc = parse("a: ''\nb: ~\n").unwrap();
        assert_eq!(doc.get("a").unwrap().text(), Some(""));
        assert!(doc.get("b").unwrap().is_null());
        let err = parse("services:\n  web:\n    image: [unclosed\n").unwrap_err();
        assert!(err.line >= 3, "{err:?}");
    }
}
