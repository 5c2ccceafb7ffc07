//! A JSON array read as it arrives: [`ArrayElements`] takes the body of a response chunk by
//! chunk and hands out each top-level element's bytes as soon as the element is complete,
//! so a document of any size is held one element at a time (the container list of a
//! daemon whose containers carry megabytes of labels is 60 MB and more).
//!
//! It only finds where elements begin and end (strings, escapes and nesting are tracked);
//! each element is then parsed by serde, which checks it. A body that does not start with
//! `[` (`null`, or garbage) is kept whole and given back by [`ArrayElements::finish`], for
//! the caller to parse as a whole document (and report the error serde finds).

/// Where the splitter is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the opening `[`.
    Start,
    /// Between elements (after `[` or a `,`).
    Between,
    /// Inside an element.
    Element,
    /// After the closing `]`.
    Done,
    /// The body is not an array: kept whole for the caller.
    NotArray,
}

/// Splits a JSON array into its elements as chunks arrive (see the module docs).
#[derive(Debug)]
pub struct ArrayElements {
    phase: Phase,
    /// Nesting inside the current element (objects and arrays).
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The part of the current element from earlier chunks (or the whole body when it is
    /// not an array).
    partial: Vec<u8>,
    /// Bytes after the closing `]` that are not whitespace.
    trailing: bool,
}

impl Default for ArrayElements {
    fn default() -> Self {
        Self::new()
    }
}

impl ArrayElements {
    pub fn new() -> Self {
        ArrayElements {
            phase: Phase::Start,
            depth: 0,
            in_string: false,
            escaped: false,
            partial: Vec::new(),
            trailing: false,
        }
    }

    /// Feed the next chunk; `each` gets every element completed in it, in order.
    pub fn push(&mut self, chunk: &[u8], mut each: impl FnMut(&[u8])) {
        let mut i = 0;
        // Start of the current element within this chunk (None: it began in an earlier one).
        let mut start: Option<usize> = None;
        while i < chunk.len() {
            match self.phase {
                Phase::NotArray => {
                    self.partial.extend_from_slice(&chunk[i..]);
                    return;
                }
                Phase::Done => {
                    if chunk[i..].iter().any(|b| !b.is_ascii_whitespace()) {
                        self.trailing = true;
                    }
                    return;
                }
                Phase::Start => {
                    let b = chunk[i];
                    if b.is_ascii_whitespace() {
                        i += 1;
                    } else if b == b'[' {
                        self.phase = Phase::Between;
                        i += 1;
                    } else {
                        self.phase = Phase::NotArray;
                    }
                }
                Phase::Between => {
                    let b = chunk[i];
                    if b.is_ascii_whitespace() || b == b',' {
                        i += 1;
                    } else if b == b']' {
                        self.phase = Phase::Done;
                        i += 1;
                    } else {
                        self.phase = Phase::Element;
                        self.depth = 0;
                        start = Some(i);
                    }
                }
                Phase::Element => {
                    if let Some(end) = self.scan(chunk, &mut i) {
                        // `end` is exclusive; a scalar element ends before `,` or `]`.
                        match start.take() {
                            Some(s) if self.partial.is_empty() => each(&chunk[s..end]),
                            s => {
                                self.partial.extend_from_slice(&chunk[s.unwrap_or(0)..end]);
                                each(&self.partial);
                                self.partial.clear();
                            }
                        }
                        self.phase = Phase::Between;
                    } else {
                        self.partial
                            .extend_from_slice(&chunk[start.take().unwrap_or(0)..]);
                    }
                }
            }
        }
    }

    /// Advance through the current element from `*i`; `Some(end)` (exclusive) when it ends
    /// in this chunk, with `*i` past what was consumed. `None`: the chunk ended first.
    fn scan(&mut self, chunk: &[u8], i: &mut usize) -> Option<usize> {
        while *i < chunk.len() {
            if self.in_string {
                // Strings are most of the bytes: jump to the next quote or backslash.
                if self.escaped {
                    self.escaped = false;
                    *i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &chunk[*i..]) {
                    None => {
                        *i = chunk.len();
                        return None;
                    }
                    Some(p) => {
                        *i += p;
                        if chunk[*i] == b'\\' {
                            self.escaped = true;
                        } else {
                            self.in_string = false;
                        }
                        *i += 1;
                    }
                }
                continue;
            }
            let b = chunk[*i];
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' if self.depth > 0 => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        *i += 1;
                        return Some(*i);
                    }
                }
                // A scalar element ends where whitespace or the next separator starts
                // (not consumed).
                b',' | b']' | b' ' | b'\n' | b'\r' | b'\t' if self.depth == 0 => {
                    return Some(*i);
                }
                _ => {}
            }
            *i += 1;
        }
        None
    }

    /// The end of the body. `Ok(())` when it was a whole array; `Err(bytes)` with the whole
    /// body when it was not an array, or the unfinished rest when it ended early (for the
    /// caller to parse and report).
    pub fn finish(self) -> Result<(), Vec<u8>> {
        match self.phase {
            Phase::Done if !self.trailing => Ok(()),
            Phase::Done => Err(b"[] trailing characters".to_vec()),
            Phase::NotArray => Err(self.partial),
            // An element may end at the end of the body only if it is a scalar, which an
            // array cannot end with (no `]`): the body was cut short.
            _ => {
                let mut rest = b"[".to_vec();
                rest.extend_from_slice(&self.partial);
                Err(rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every element of `doc`, fed in chunks of `size` bytes.
    fn split(doc: &[u8], size: usize) -> (Vec<String>, Result<(), Vec<u8>>) {
        let mut s = ArrayElements::new();
        let mut out = Vec::new();
        for chunk in doc.chunks(size.max(1)) {
            s.push(chunk, |e| out.push(String::from_utf8(e.to_vec()).unwrap()));
        }
        (out, s.finish())
    }

    #[test]
    fn elements_come_out_whole_whatever_the_chunking() {
        let doc = br#" [ {"Id":"a","Names":["/x]},{\"y"],"Labels":{"k":"v\\"}} ,
            {"Id":"b","Nested":[[1,2],{"z":[]}]}, 3, "s,]", [] , null ]  "#;
        let want = vec![
            r#"{"Id":"a","Names":["/x]},{\"y"],"Labels":{"k":"v\\"}}"#.to_string(),
            r#"{"Id":"b","Nested":[[1,2],{"z":[]}]}"#.to_string(),
            "3".to_string(),
            r#""s,]""#.to_string(),
            "[]".to_string(),
            "null".to_string(),
        ];
        for size in 1..=doc.len() {
            let (got, end) = split(doc, size);
            assert_eq!(got, want, "chunks of {size}");
            assert_eq!(end, Ok(()), "chunks of {size}");
            for e in &got {
                serde_json::from_str::<serde_json::Value>(e).expect("each element is JSON");
            }
        }
    }

    #[test]
    fn empty_null_cut_and_trailing_bodies() {
        assert_eq!(split(b"[]", 1), (vec![], Ok(())));
        assert_eq!(split(b"  [ \n ] \n", 3), (vec![], Ok(())));
        // Not an array: the whole body comes back for the caller to parse.
        assert_eq!(split(b"null", 2), (vec![], Err(b"null".to_vec())));
        assert_eq!(split(b"", 2), (vec![], Err(b"[".to_vec())));
        let (got, end) = split(br#"[{"a":1},{"b":"#, 4);
        assert_eq!(got, vec![r#"{"a":1}"#.to_string()]);
        assert!(serde_json::from_slice::<serde_json::Value>(&end.unwrap_err()).is_err());
        let (_, end) = split(b"[] x", 1);
        assert!(serde_json::from_slice::<serde_json::Value>(&end.unwrap_err()).is_err());
    }
}
