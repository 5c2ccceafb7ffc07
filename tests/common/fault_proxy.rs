//! A fault-injecting proxy in front of the real daemon: listens on a unix socket of its own
//! and forwards each request to `/var/run/docker.sock` (or a private daemon's socket),
//! unless a rule for its path says to answer 500, hang, send malformed JSON or something
//! that is not HTTP, or to pass the answer's headers and then stall its body (an `/events`
//! stream that goes quiet). It can also be "down" (every connection closed at once) to
//! stand for a daemon outage.
//!
//! One request per connection (the forwarded request says `Connection: close`), so clients
//! with a keep-alive pool simply open a new connection each time. Threads only: usable from
//! plain `#[test]`s. Stops (and removes its socket) when dropped.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does with a request whose path contains a rule's pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status with a daemon-style `{"message": ...}` body.
    Status(u16),
    /// Never answer (the connection stays open until the proxy stops).
    Hang,
    /// Answer 200 with a JSON body that is cut short.
    Malformed,
    /// Answer bytes that are not HTTP, then close.
    NotHttp,
    /// Forward the request, pass the answer's headers, then nothing more (a stream that
    /// goes silent; the connection stays open).
    Stall,
    /// Forward a chunked answer (`/events`), with this line sent as one more message
    /// right after the headers.
    Inject(String),
}

#[derive(Default)]
struct Shared {
    rules: Vec<(String, Fault)>,
    /// Paths requested, in order (without the version prefix).
    seen: Vec<String>,
}

/// The running proxy (see the module docs).
pub struct FaultProxy {
    dir: PathBuf,
    socket: PathBuf,
    shared: Arc<Mutex<Shared>>,
    down: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

const UPSTREAM: &str = "/var/run/docker.sock";

impl FaultProxy {
    /// Start a proxy on a fresh socket in a temporary directory, in front of the shared
    /// daemon.
    pub fn start(tag: &str) -> FaultProxy {
        FaultProxy::start_to(tag, std::path::Path::new(UPSTREAM))
    }

    /// [`FaultProxy::start`] in front of the daemon listening on `upstream` (a private
    /// daemon's socket).
    pub fn start_to(tag: &str, upstream: &std::path::Path) -> FaultProxy {
        let upstream: Arc<PathBuf> = Arc::new(upstream.to_path_buf());
        let dir = std::env::temp_dir().join(format!(
            "seawall-proxy-{}-{tag}-{}",
            std::process::id(),
            super::next_counter()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("proxy dir");
        let socket = dir.join("docker.sock");
        let listener = UnixListener::bind(&socket).expect("proxy socket");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let down = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let (shared, down, stop) = (shared.clone(), down.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(conn) = conn else { continue };
                    if down.load(Ordering::SeqCst) {
                        drop(conn);
                        continue;
                    }
                    let (shared, stop, down) = (shared.clone(), stop.clone(), down.clone());
                    let upstream = upstream.clone();
                    std::thread::spawn(move || serve(conn, &upstream, &shared, &stop, &down));
                }
            });
        }
        FaultProxy {
            dir,
            socket,
            shared,
            down,
            stop,
        }
    }

    /// `unix:///tmp/.../docker.sock`, for `-H`.
    pub fn url(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// Apply `fault` to every request whose path contains `pattern` (the newest rule that
    /// matches wins).
    pub fn set(&self, pattern: &str, fault: Fault) {
        self.shared
            .lock()
            .unwrap()
            .rules
            .push((pattern.to_string(), fault));
    }

    /// Forward everything again.
    pub fn clear(&self) {
        self.shared.lock().unwrap().rules.clear();
    }

    /// While down, every new connection is closed at once and answers in progress are cut
    /// (a daemon that went away).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// How many requests had a path containing `pattern`.
    pub fn count(&self, pattern: &str) -> usize {
        self.shared
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|p| p.contains(pattern))
            .count()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = UnixStream::connect(&self.socket);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The request head (up to the blank line), or `None` when the client went away.
fn read_head(conn: &mut UnixStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match conn.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
        if head.len() > 64 * 1024 {
            return None;
        }
    }
    Some(head)
}

/// Hold a connection open until the proxy stops or the peer goes away.
fn hold(conn: &UnixStream, stop: &AtomicBool) {
    let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 1024];
    let mut reader = conn;
    while !stop.load(Ordering::SeqCst) {
        match reader.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

fn serve(
    mut conn: UnixStream,
    upstream: &std::path::Path,
    shared: &Mutex<Shared>,
    stop: &AtomicBool,
    down: &AtomicBool,
) {
    let Some(head) = read_head(&mut conn) else {
        return;
    };
    let text = String::from_utf8_lossy(&head).into_owned();
    let target = text
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_string();
    // `/v1.41/containers/json` -> `/containers/json`
    let path = match target.strip_prefix("/v") {
        Some(rest) => rest
            .find('/')
            .map_or(target.clone(), |i| rest[i..].to_string()),
        None => target.clone(),
    };
    let fault = {
        let mut s = shared.lock().unwrap();
        s.seen.push(path.clone());
        s.rules
            .iter()
            .rev()
            .find(|(p, _)| path.contains(p.as_str()))
            .map(|(_, f)| f.clone())
    };
    match fault {
        Some(Fault::Status(code)) => {
            let body = format!("{{\"message\":\"injected {code} for {path}\"}}");
            let _ = write!(
                conn,
                "HTTP/1.1 {code} Injected\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Some(Fault::Hang) => hold(&conn, stop),
        Some(Fault::Malformed) => {
            let body = "{\"Id\": \"cut sh";
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Some(Fault::NotHttp) => {
            let _ = conn.write_all(b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n");
        }
        None => forward(&mut conn, upstream, &text, Pass::All, stop, down),
        Some(Fault::Stall) => forward(&mut conn, upstream, &text, Pass::HeadersOnly, stop, down),
        Some(Fault::Inject(line)) => {
            forward(&mut conn, upstream, &text, Pass::Inject(line), stop, down)
        }
    }
}

/// How much of an answer [`forward`] passes on.
enum Pass {
    All,
    HeadersOnly,
    /// Everything, with one more chunk (this line) right after the headers.
    Inject(String),
}

/// Send the request upstream with `Connection: close` and copy the answer back. Going
/// down cuts answers in progress too (a stream included).
fn forward(
    conn: &mut UnixStream,
    upstream: &std::path::Path,
    head: &str,
    mut pass: Pass,
    stop: &AtomicBool,
    down: &AtomicBool,
) {
    let Ok(mut up) = UnixStream::connect(upstream) else {
        return;
    };
    let _ = up.set_read_timeout(Some(Duration::from_millis(100)));
    let mut request = String::new();
    for (i, line) in head.split("\r\n").enumerate() {
        if line.is_empty() {
            continue;
        }
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        request.push_str(line);
        request.push_str("\r\n");
    }
    request.push_str("Connection: close\r\n\r\n");
    if up.write_all(request.as_bytes()).is_err() {
        return;
    }
    let mut buf = [0u8; 16 * 1024];
    let mut answered = Vec::new();
    loop {
        if down.load(Ordering::SeqCst) || stop.load(Ordering::SeqCst) {
            return;
        }
        let n = match up.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(_) => return,
        };
        if !matches!(pass, Pass::All) {
            answered.extend_from_slice(&buf[..n]);
            let Some(end) = answered.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            if conn.write_all(&answered[..end + 4]).is_err() {
                return;
            }
            match std::mem::replace(&mut pass, Pass::All) {
                Pass::HeadersOnly => {
                    drop(up);
                    hold(conn, stop);
                    return;
                }
                Pass::Inject(line) => {
                    let chunk = format!("{:x}\r\n{line}\n\r\n", line.len() + 1);
                    if conn.write_all(chunk.as_bytes()).is_err() {
                        return;
                    }
                }
                Pass::All => {}
            }
            if conn.write_all(&answered[end + 4..]).is_err() {
                return;
            }
            continue;
        }
        if conn.write_all(&buf[..n]).is_err() {
            return;
        }
    }
}
