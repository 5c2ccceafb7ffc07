//! `/events` read line by line over the local socket's pool: each line is one JSON
//! message, parsed on its own, so one message seawall cannot read is one
//! [`DockerError::Malformed`] item and the stream goes on (bollard's decoder ends the whole
//! stream at the first bad line). The request itself is bounded by the pool's request
//! timeout (headers); the body may then stay quiet for as long as the daemon has nothing.

use super::error::{DockerError, one_line};
use super::port::EventStream;
use crate::model::DockerEvent;
use crate::model::convert::activity as conv;
use bytes_buf::LineBuf;
use futures_util::StreamExt;
use http_body_util::BodyExt;

/// Longest line kept while waiting for its end (an event is a few KB; a peer that never
/// sends a newline is not allowed to grow memory without bound).
const MAX_LINE: usize = 1 << 20;

mod bytes_buf {
    /// Bytes received and not yet split into lines.
    #[derive(Default)]
    pub struct LineBuf {
        pending: Vec<u8>,
        /// Part of an over-long line is being dropped until its newline.
        skipping: bool,
    }

    /// What one chunk gave: complete lines, and how many over-long lines were dropped.
    pub struct Split {
        pub lines: Vec<Vec<u8>>,
        pub dropped: usize,
    }

    impl LineBuf {
        pub fn push(&mut self, chunk: &[u8], max: usize) -> Split {
            let mut out = Split {
                lines: Vec::new(),
                dropped: 0,
            };
            for part in chunk.split_inclusive(|b| *b == b'\n') {
                let ends = part.last() == Some(&b'\n');
                if self.skipping {
                    if ends {
                        self.skipping = false;
                    }
                    continue;
                }
                self.pending.extend_from_slice(part);
                if ends {
                    let mut line = std::mem::take(&mut self.pending);
                    line.pop();
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    if !line.iter().all(u8::is_ascii_whitespace) {
                        out.lines.push(line);
                    }
                } else if self.pending.len() > max {
                    self.pending = Vec::new();
                    self.skipping = true;
                    out.dropped += 1;
                }
            }
            out
        }

        /// What is left when the stream ends (a last line without its newline).
        pub fn rest(&mut self) -> Option<Vec<u8>> {
            let line = std::mem::take(&mut self.pending);
            (!self.skipping && !line.iter().all(u8::is_ascii_whitespace)).then_some(line)
        }
    }
}

/// One line of `/events` in the model, or why it could not be read.
pub fn parse_line(line: &[u8]) -> Result<DockerEvent, DockerError> {
    serde_json::from_slice::<bollard::models::EventMessage>(line)
        .map(|m| conv::event(&m))
        .map_err(|e| DockerError::Malformed(format!("an event: {}", one_line(&e.to_string()))))
}

/// The items of an `/events` answer whose headers arrived: its status and content type are
/// checked, then every line is an item.
pub fn stream(response: hyper::Response<hyper::body::Incoming>) -> EventStream {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response.into_body();
    if !(200..300).contains(&status) {
        return futures_util::stream::once(async move {
            let text = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            #[derive(serde::Deserialize)]
            struct ApiMessage {
                message: String,
            }
            let message = serde_json::from_slice::<ApiMessage>(&text)
                .map(|m| m.message)
                .unwrap_or_else(|_| String::from_utf8_lossy(&text).into_owned());
            Err(DockerError::from_status(status, &message))
        })
        .boxed();
    }
    if !content_type.starts_with("application/json") {
        let shown = if content_type.is_empty() {
            "no content type".to_string()
        } else {
            format!("content type {}", one_line(&content_type))
        };
        return futures_util::stream::iter([Err(DockerError::NotDocker(format!(
            "the event stream came with {shown}"
        )))])
        .boxed();
    }
    struct State {
        body: hyper::body::Incoming,
        buf: LineBuf,
        ready: std::collections::VecDeque<Result<DockerEvent, DockerError>>,
        done: bool,
    }
    let state = State {
        body,
        buf: LineBuf::default(),
        ready: Default::default(),
        done: false,
    };
    futures_util::stream::unfold(state, |mut s| async move {
        loop {
            if let Some(item) = s.ready.pop_front() {
                return Some((item, s));
            }
            if s.done {
                return None;
            }
            match s.body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        let split = s.buf.push(&data, MAX_LINE);
                        for _ in 0..split.dropped {
                            s.ready.push_back(Err(DockerError::Malformed(format!(
                                "an event longer than {MAX_LINE} bytes"
                            ))));
                        }
                        s.ready
                            .extend(split.lines.iter().map(|line| parse_line(line)));
                    }
                }
                Some(Err(e)) => {
                    s.done = true;
                    s.ready
                        .push_back(Err(DockerError::Unreachable(super::bollard_api::describe(
                            &bollard::errors::Error::from(e),
                        ))));
                }
                None => {
                    s.done = true;
                    if let Some(line) = s.buf.rest() {
                        s.ready.push_back(parse_line(&line));
                    }
                }
            }
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::bytes_buf::LineBuf;
    use super::*;

    #[test]
    fn lines_split_across_chunks_and_long_lines_are_dropped() {
        let mut b = LineBuf::default();
        let s = b.push(b"{\"a\":1}\n{\"b\"", 100);
        assert_eq!(s.lines, [b"{\"a\":1}".to_vec()]);
        let s = b.push(b":2}\r\n\n", 100);
        assert_eq!(s.lines, [b"{\"b\":2}".to_vec()]);
        let s = b.push(&[b'x'; 150], 100);
        assert_eq!((s.lines.len(), s.dropped), (0, 1));
        let s = b.push(b"xxx\n{}\n", 100);
        assert_eq!(
            s.lines,
            [b"{}".to_vec()],
            "the rest of the long line is skipped"
        );
        b.push(b"{\"c\":3}", 100);
        assert_eq!(b.rest(), Some(b"{\"c\":3}".to_vec()));
    }

    #[test]
    fn a_wrongly_typed_field_is_one_malformed_line() {
        let good = br#"{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"web"}},"time":5,"timeNano":5000000001}"#;
        let ev = parse_line(good).unwrap();
        assert_eq!((ev.action.as_str(), ev.actor_id.as_str()), ("start", "abc"));
        assert_eq!(ev.time_nano, 5_000_000_001);
        let bad = br#"{"Type":"container","Action":"start","Actor":{"ID":7},"time":"soon"}"#;
        match parse_line(bad) {
            Err(DockerError::Malformed(m)) => assert!(m.starts_with("an event: "), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
