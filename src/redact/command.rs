//! Secrets on command lines, as an argv (Cmd, Entrypoint, Args, a healthcheck's `Test`, an
//! exec's command) or as text (`sh -c` scripts, `ps` lines, exec event payloads):
//! `--password=...`, `--token ...`, `NAME=...` with a secret name, `mysql -p...`,
//! `sshpass -p ...`, `htpasswd -b FILE USER ...`, `docker login -p ...`, `curl -u user:...`,
//! `Authorization: Bearer ...`, `openssl -passin pass:...`. `--password-stdin`, `--token-file`
//! and friends take no secret. Spacing and quoting are kept.

use super::REDACTED;
use super::names::{flag_takes_secret, is_secret_name};
use super::value::redact_value;

/// Characters around the core of a word (quotes, brackets, `;`).
const QUOTES: &[char] = &['\'', '"', '`', '(', ')', ';'];

/// Redact a command line given as text, keeping its spacing and quoting.
pub fn redact_command_line(text: &str) -> String {
    let text = redact_value(text);
    let mut scanner = Scanner::default();
    let mut out = String::with_capacity(text.len());
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push_str(&scanner.word(&text[s..i]));
            }
            if !matches!(scanner.next, Next::Dropping(_)) {
                out.push(c);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push_str(&scanner.word(&text[s..]));
    }
    out
}

/// Redact an argv, element by element, with what one element says about the next
/// (`--password`, then the secret). An element holding spaces is a script or a command
/// line of its own (`sh -c '...'`, a healthcheck's `CMD-SHELL` string).
pub fn redact_argv(argv: &[String]) -> Vec<String> {
    let mut scanner = Scanner::default();
    argv.iter().map(|arg| scanner.arg(arg)).collect()
}

/// Is `name=value` an assignment of a secret? Options must take a value
/// (`--password=x` yes, `--password-file=/run/x` no).
fn secret_assignment(name: &str) -> bool {
    let bare = name.trim_start_matches('-');
    !bare.is_empty()
        && !bare.contains(char::is_whitespace)
        && is_secret_name(bare)
        && (!name.starts_with('-') || flag_takes_secret(name))
}

/// Where the secret value of a `NAME=value` word starts (an offset into `word`), also
/// when the assignment is itself the value of an option or of another assignment:
/// `--env=PASSWORD=x`, `x=PASSWORD=y`. `None`: no secret assignment, or an empty value.
fn secret_value_at(word: &str) -> Option<usize> {
    let mut name_start = 0;
    for (at, _) in word.match_indices('=') {
        let name = &word[name_start..at];
        // After the first `=`, only a plain name starts another assignment (not the
        // `User Id=sa;Password` of a connection string, which has rules of its own).
        let plain = name_start == 0
            || name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if plain && at + 1 < word.len() && secret_assignment(name) {
            return Some(at + 1);
        }
        name_start = at + 1;
    }
    None
}

/// What the previous word says about the next one.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Next {
    #[default]
    Normal,
    /// After `--password`, `Bearer`, `sshpass -p`: the next word is a secret.
    Secret,
    /// After `-u` / `--user`: the next word may be `user:password`.
    UserPass,
    /// Inside a quoted secret (`PASS="a b c"`): drop words until the quote closes.
    Dropping(char),
}

/// The program whose arguments are being read, for options only it gives a meaning.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Program {
    #[default]
    Other,
    /// mysql, mysqladmin, mysqldump, mariadb...: `-pSECRET`.
    Mysql,
    /// `sshpass -p SECRET` / `-pSECRET`.
    Sshpass,
    /// `redis-cli -a SECRET`.
    RedisCli,
    /// `htpasswd -b[n] [FILE] USER SECRET`.
    Htpasswd {
        batch: bool,
        no_file: bool,
        positionals: u8,
        skip_value: bool,
    },
}

#[derive(Debug, Default)]
struct Scanner {
    next: Next,
    /// The previous argv element was a shell's `-c` (`-lc`, `-ec`): this one is a script.
    script: bool,
    /// A shell was named (`sh`, `bash`...): its `-c` introduces a script.
    shell: bool,
    program: Program,
    /// A `login` subcommand was seen (`docker login -p SECRET`).
    login: bool,
}

impl Scanner {
    /// One argv element.
    fn arg(&mut self, arg: &str) -> String {
        let script = std::mem::replace(&mut self.script, self.shell && is_script_flag(arg));
        if script && !matches!(self.next, Next::Secret) {
            self.next = Next::Normal;
            return redact_command_line(arg);
        }
        match std::mem::take(&mut self.next) {
            Next::Secret if !arg.is_empty() => return REDACTED.to_string(),
            Next::UserPass => {
                if let Some((user, pass)) = arg.split_once(':')
                    && !pass.is_empty()
                {
                    return format!("{user}:{REDACTED}");
                }
            }
            Next::Secret => self.next = Next::Secret,
            _ => {}
        }
        if let Some(at) = secret_value_at(arg) {
            return format!("{}{REDACTED}", &arg[..at]);
        }
        if arg.contains(char::is_whitespace) {
            return redact_command_line(arg);
        }
        let shown = self.word(&redact_value(arg));
        // Quotes inside one argv element are plain characters.
        if matches!(self.next, Next::Dropping(_)) {
            self.next = Next::Normal;
        }
        shown
    }

    /// One whitespace-separated word of a command line.
    fn word(&mut self, token: &str) -> String {
        if let Next::Dropping(q) = self.next {
            return match token.find(q) {
                Some(i) => {
                    self.next = Next::Normal;
                    token[i..].to_string()
                }
                None => String::new(),
            };
        }
        let core = token.trim_matches(QUOTES);
        match self.next {
            Next::Secret if !core.is_empty() => {
                self.next = Next::Normal;
                return self.secret_word(token);
            }
            Next::UserPass => {
                self.next = Next::Normal;
                if let Some((user, pass)) = core.split_once(':')
                    && !pass.is_empty()
                {
                    let p = prefix_len(token);
                    let tail = token.trim_end_matches(QUOTES).len().max(p);
                    return format!("{}{user}:{REDACTED}{}", &token[..p], &token[tail..]);
                }
            }
            _ => {}
        }
        let shown = self.classify(token, core);
        if is_separator(token) {
            self.program = Program::Other;
            self.login = false;
            self.shell = false;
        }
        shown
    }

    /// The rules for a word that is not already known to be a secret.
    fn classify(&mut self, token: &str, core: &str) -> String {
        // NAME=value, --password=value.
        if let Some(at) = secret_value_at(core) {
            return self.secret_value(token, prefix_len(token) + at);
        }
        // Options only some programs give a meaning.
        match &mut self.program {
            Program::Mysql if glued_p(core) => return redact_after(token, 2),
            Program::Sshpass if glued_p(core) => return redact_after(token, 2),
            Program::Sshpass if core == "-p" => {
                self.next = Next::Secret;
                return token.to_string();
            }
            Program::RedisCli if core == "-a" => {
                self.next = Next::Secret;
                return token.to_string();
            }
            Program::Htpasswd {
                batch,
                no_file,
                positionals,
                skip_value,
            } => {
                if *skip_value {
                    *skip_value = false;
                    return token.to_string();
                }
                if core.len() > 1 && core.starts_with('-') && !core.starts_with("--") {
                    *batch |= core.contains('b');
                    *no_file |= core.contains('n');
                    *skip_value = core.ends_with('C');
                    return token.to_string();
                }
                if !core.is_empty() {
                    *positionals = positionals.saturating_add(1);
                    let wanted = if *no_file { 2 } else { 3 };
                    if *batch && *positionals == wanted {
                        return self.secret_word(token);
                    }
                }
            }
            _ => {}
        }
        if self.login && core == "-p" {
            self.next = Next::Secret;
            return token.to_string();
        }
        let program = core.rsplit('/').next().unwrap_or(core);
        if program.starts_with("mysql") || program.starts_with("mariadb") {
            self.program = Program::Mysql;
        } else if program == "sshpass" {
            self.program = Program::Sshpass;
        } else if program == "redis-cli" {
            self.program = Program::RedisCli;
        } else if program == "htpasswd" {
            self.program = Program::Htpasswd {
                batch: false,
                no_file: false,
                positionals: 0,
                skip_value: false,
            };
        } else if core == "login" {
            self.login = true;
        } else if matches!(
            program,
            "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh"
        ) {
            self.shell = true;
        }
        // openssl -passin pass:SECRET.
        if core.len() > 5 && core.starts_with("pass:") {
            return redact_after(token, 5);
        }
        let lower = core.to_ascii_lowercase();
        let header_name = core.strip_suffix(':').filter(|n| is_secret_name(n));
        if (core.starts_with('-') && !core.contains('=') && flag_takes_secret(core))
            || matches!(lower.as_str(), "bearer" | "basic" | "token")
            || header_name.is_some()
        {
            self.next = Next::Secret;
        } else if matches!(core, "-u" | "--user" | "--proxy-user") {
            self.next = Next::UserPass;
        }
        token.to_string()
    }

    /// A whole word that is a secret; an opening quote that does not close in this word
    /// drops the following words up to the closing quote.
    fn secret_word(&mut self, token: &str) -> String {
        if let Some(q) = token.chars().next().filter(|c| *c == '"' || *c == '\'')
            && !token[1..].contains(q)
        {
            self.next = Next::Dropping(q);
            return format!("{q}{REDACTED}");
        }
        redact_after(token, prefix_len(token))
    }

    /// `token[..value_start]` is `NAME=`; the value is a secret.
    fn secret_value(&mut self, token: &str, value_start: usize) -> String {
        let value = &token[value_start..];
        if let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'')
            && !value[1..].contains(q)
        {
            self.next = Next::Dropping(q);
            return format!("{}{q}{REDACTED}", &token[..value_start]);
        }
        let lead = value.len() - value.trim_start_matches(QUOTES).len();
        redact_after(token, value_start + lead)
    }
}

/// A shell's `-c` option, alone or in a cluster (`-c`, `-lc`, `-ec`).
fn is_script_flag(arg: &str) -> bool {
    arg.len() >= 2 && arg.starts_with('-') && !arg.starts_with("--") && arg.ends_with('c')
}

/// `-pSECRET` (not `-p`, `-p=`).
fn glued_p(core: &str) -> bool {
    core.len() > 2 && core.starts_with("-p") && !core.starts_with("-p=")
}

/// Keep `token[..start]` and the trailing quote characters; the rest is a secret.
fn redact_after(token: &str, start: usize) -> String {
    let start = start.min(token.len());
    let end = token.trim_end_matches(QUOTES).len().max(start);
    format!("{}{REDACTED}{}", &token[..start], &token[end..])
}

/// Length of the leading quote characters of a word.
fn prefix_len(token: &str) -> usize {
    token.len() - token.trim_start_matches(QUOTES).len()
}

/// Does this word end a simple command (`;`, `&&`, `||`, `|`, `&`)?
fn is_separator(token: &str) -> bool {
    let t = token.trim_matches(['\'', '"', '`', '(', ')']);
    matches!(t, ";" | "&&" | "||" | "|" | "&") || t.ends_with(';')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn command_lines() {
        let cases = [
            (
                "mysql -u root --password=hunter2 db",
                "mysql -u root --password=<redacted> db",
            ),
            ("mysql -uroot -phunter2", "mysql -uroot -p<redacted>"),
            (
                "app --token s3cr3t --port 80",
                "app --token <redacted> --port 80",
            ),
            (
                "sh -c 'API_TOKEN=abc123 ./run'",
                "sh -c 'API_TOKEN=<redacted> ./run'",
            ),
            (
                "curl -H 'Authorization: Bearer eyJhbGciOi' https://x",
                "curl -H 'Authorization: Bearer <redacted>' https://x",
            ),
            (
                "curl -H 'X-Api-Key: k3y' https://x",
                "curl -H 'X-Api-Key: <redacted>' https://x",
            ),
            (
                "curl -u admin:hunter2 https://x",
                "curl -u admin:<redacted> https://x",
            ),
            (
                "psql postgres://app:hunter2@db/app",
                "psql postgres://app:<redacted>@db/app",
            ),
            (
                "env DB_PASSWORD=\"p w\" x",
                "env DB_PASSWORD=\"<redacted>\" x",
            ),
            ("ls -la /tmp", "ls -la /tmp"),
            ("echo PATH=/bin", "echo PATH=/bin"),
            (
                "export X_PASSPHRASE=correct-horse; run",
                "export X_PASSPHRASE=<redacted>; run",
            ),
            (
                "sshpass -p s3cr3t ssh ops@host",
                "sshpass -p <redacted> ssh ops@host",
            ),
            ("sshpass -ps3cr3t ssh host", "sshpass -p<redacted> ssh host"),
            (
                "htpasswd -b -c /etc/nginx/.htpasswd admin S3cret",
                "htpasswd -b -c /etc/nginx/.htpasswd admin <redacted>",
            ),
            ("htpasswd -nb admin S3cret", "htpasswd -nb admin <redacted>"),
            (
                "htpasswd -bBC 10 f admin S3cret && ls",
                "htpasswd -bBC 10 f admin <redacted> && ls",
            ),
            ("htpasswd -c f admin", "htpasswd -c f admin"),
            (
                "echo $P | docker login -u ci --password-stdin registry.io",
                "echo $P | docker login -u ci --password-stdin registry.io",
            ),
            (
                "docker login -u ci -p s3cr3t registry.io",
                "docker login -u ci -p <redacted> registry.io",
            ),
            (
                "app --token-file /run/secrets/t --password-file=/run/p",
                "app --token-file /run/secrets/t --password-file=/run/p",
            ),
            (
                "openssl rsa -passin pass:hunter2 -in k",
                "openssl rsa -passin pass:<redacted> -in k",
            ),
            (
                "app --password 'two words' --x",
                "app --password '<redacted>' --x",
            ),
            (
                "mysqladmin ping -h localhost -pS3cret",
                "mysqladmin ping -h localhost -p<redacted>",
            ),
            ("ls; ssh -p 22 host", "ls; ssh -p 22 host"),
            ("redis-cli -a s3cr3t ping", "redis-cli -a <redacted> ping"),
            (
                "java -Djavax.net.ssl.keyStorePassword=changeit -jar a.jar",
                "java -Djavax.net.ssl.keyStorePassword=<redacted> -jar a.jar",
            ),
            // An assignment as the value of an option or of another assignment.
            (
                "docker run --env=PASSWORD=envleak1 img",
                "docker run --env=PASSWORD=<redacted> img",
            ),
            ("echo x=PASSWORD=t19 ok", "echo x=PASSWORD=<redacted> ok"),
            ("a=b=c PATH=/x=y", "a=b=c PATH=/x=y"),
        ];
        for (input, want) in cases {
            assert_eq!(redact_command_line(input), want, "{input}");
            // Redacting twice changes nothing.
            assert_eq!(redact_command_line(want), want, "{want}");
        }
    }

    #[test]
    fn argvs() {
        let cases: [(&[&str], &[&str]); 8] = [
            (
                &["sh", "-c", "TOKEN=abc curl x | sh"],
                &["sh", "-c", "TOKEN=<redacted> curl x | sh"],
            ),
            (
                &["env", "DB_PASSWORD=p w", "app", "--password", "p w"],
                &[
                    "env",
                    "DB_PASSWORD=<redacted>",
                    "app",
                    "--password",
                    "<redacted>",
                ],
            ),
            (
                &["mysqld", "--password=s3cr3t"],
                &["mysqld", "--password=<redacted>"],
            ),
            (
                &["app", "--env=PASSWORD=envleak1", "-e", "X=TOKEN=t"],
                &[
                    "app",
                    "--env=PASSWORD=<redacted>",
                    "-e",
                    "X=TOKEN=<redacted>",
                ],
            ),
            (
                &["CMD-SHELL", "mysqladmin ping -pS3cret"],
                &["CMD-SHELL", "mysqladmin ping -p<redacted>"],
            ),
            (
                &["CMD", "mysqladmin", "ping", "-pS3cret"],
                &["CMD", "mysqladmin", "ping", "-p<redacted>"],
            ),
            (
                &["sshpass", "-p", "\"odd", "ssh", "h"],
                &["sshpass", "-p", "<redacted>", "ssh", "h"],
            ),
            (
                &["docker", "login", "--password-stdin", "reg"],
                &["docker", "login", "--password-stdin", "reg"],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(redact_argv(&argv(input)), argv(want), "{input:?}");
            assert_eq!(redact_argv(&argv(want)), argv(want), "{want:?}");
        }
    }
}
