//! Optional timing trace for the benchmark (`SEAWALL_TRACE=<file>`): one JSON object per
//! line. Off by default; costs nothing when off.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

pub struct Trace {
    out: Option<BufWriter<File>>,
    start: Instant,
    first_full_frame: bool,
    /// How many daemons had rows on the last frame (a `hosts_shown` line when it grows).
    hosts_shown: usize,
}

impl Trace {
    pub fn from_env(start: Instant) -> Self {
        let out = std::env::var_os("SEAWALL_TRACE")
            .filter(|p| !p.is_empty())
            .and_then(|p| File::create(p).ok())
            .map(BufWriter::new);
        Trace {
            out,
            start,
            first_full_frame: false,
            hosts_shown: 0,
        }
    }

    pub fn enabled(&self) -> bool {
        self.out.is_some()
    }

    fn line(&mut self, text: String) {
        if let Some(out) = &mut self.out {
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
        }
    }

    /// A frame was drawn: `rows` containers known, `all_live` when every daemon is live,
    /// `hosts` daemons with at least one row on it (the fleet benchmark waits for the frame
    /// that shows every reachable daemon's rows, whatever the others are doing).
    pub fn frame(
        &mut self,
        drawn: Instant,
        render_us: u128,
        rows: usize,
        all_live: bool,
        hosts: usize,
        pending: &[Instant],
    ) {
        if self.out.is_none() {
            return;
        }
        if hosts > self.hosts_shown {
            self.hosts_shown = hosts;
            let ms = drawn.duration_since(self.start).as_secs_f64() * 1000.0;
            self.line(format!(
                r#"{{"kind":"hosts_shown","hosts":{hosts},"ms":{ms:.3},"rows":{rows}}}"#
            ));
        }
        if all_live && !self.first_full_frame {
            self.first_full_frame = true;
            let ms = drawn.duration_since(self.start).as_secs_f64() * 1000.0;
            self.line(format!(
                r#"{{"kind":"first_full_frame","ms":{ms:.3},"rows":{rows}}}"#
            ));
        }
        for received in pending {
            let us = drawn.duration_since(*received).as_micros();
            self.line(format!(
                r#"{{"kind":"event_to_screen","us":{us},"rows":{rows}}}"#
            ));
        }
        self.line(format!(
            r#"{{"kind":"frame","render_us":{render_us},"rows":{rows}}}"#
        ));
    }
}
