//! Secrets recognised by their shape wherever they appear in a value, whatever the name
//! around them: credentials in URLs, connection strings, private-key blocks, JSON Web
//! Tokens and the prefixed tokens of well-known services.

use super::REDACTED;
use super::names::is_secret_name;
use super::url::{redact_connection_strings, strip_url_credentials};

/// Redact every secret recognised by its shape in `text`.
pub fn redact_value(text: &str) -> String {
    let text = strip_url_credentials(text);
    let text = redact_connection_strings(&text);
    let text = redact_private_keys(&text);
    let text = redact_json_pairs(&text);
    redact_token_shapes(&text)
}

/// JSON held in a value (a label, an argument, a command line): `"password": "..."` and
/// other string members with a secret name keep their name, not their value.
fn redact_json_pairs(text: &str) -> String {
    if !text.contains("\":") && !text.contains("\" :") {
        return text.to_string();
    }
    /// The end (exclusive, after the closing quote) of the JSON string starting at `at`.
    fn string_end(b: &[u8], at: usize) -> Option<usize> {
        let mut i = at + 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    }
    let b = text.as_bytes();
    let skip_blank = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'"' {
            i += 1;
            continue;
        }
        let Some(key_end) = string_end(b, i) else {
            break;
        };
        let colon = skip_blank(key_end);
        if colon >= b.len() || b[colon] != b':' {
            i = key_end;
            continue;
        }
        let value = skip_blank(colon + 1);
        let key = &text[i + 1..key_end - 1];
        if value < b.len()
            && b[value] == b'"'
            && let Some(value_end) = string_end(b, value)
        {
            let inner = &text[value + 1..value_end - 1];
            if is_secret_name(key) && !inner.is_empty() && inner != REDACTED {
                out.push_str(&text[copied..value + 1]);
                out.push_str(REDACTED);
                copied = value_end - 1;
            }
            i = value_end;
        } else {
            i = key_end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Prefixes of service tokens (GitHub, GitLab, Slack, Stripe, npm, OpenAI, AWS key ids).
/// The prefix is kept (`ghp_<redacted>`).
const TOKEN_PREFIXES: &[&str] = &[
    "github_pat_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxs-",
    "sk_live_",
    "rk_live_",
    "sk_test_",
    "npm_",
    "sk-proj-",
    "AKIA",
];

/// Shortest token (prefix included) taken for a secret.
const MIN_TOKEN: usize = 16;

fn token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// JSON Web Tokens (`eyJ...` with two dots) and prefixed service tokens.
fn redact_token_shapes(text: &str) -> String {
    if !text.contains("eyJ") && !TOKEN_PREFIXES.iter().any(|p| text.contains(p)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let at_boundary = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_');
        if at_boundary {
            // A JWT: header.payload.signature, base64url.
            if rest.starts_with("eyJ") {
                let len = rest
                    .find(|c: char| !(token_char(c) || c == '.' || c == '='))
                    .unwrap_or(rest.len());
                let candidate = &rest[..len];
                if len >= MIN_TOKEN && candidate.matches('.').count() >= 2 {
                    out.push_str(REDACTED);
                    i += len;
                    continue;
                }
            }
            if let Some(prefix) = TOKEN_PREFIXES.iter().find(|p| rest.starts_with(**p)) {
                let len = rest.find(|c: char| !token_char(c)).unwrap_or(rest.len());
                if len >= MIN_TOKEN {
                    out.push_str(prefix);
                    out.push_str(REDACTED);
                    i += len;
                    continue;
                }
            }
        }
        let c = rest.chars().next().expect("not at the end");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The body of a PEM private key (`-----BEGIN ... PRIVATE KEY-----` up to `-----END`).
fn redact_private_keys(text: &str) -> String {
    const BEGIN: &str = "-----BEGIN ";
    const KEY_END: &str = "PRIVATE KEY-----";
    if !text.contains(KEY_END) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(b) = rest.find(BEGIN) {
        let Some(k) = rest[b..].find(KEY_END).map(|k| b + k + KEY_END.len()) else {
            break;
        };
        // The label must be on the BEGIN line (`-----BEGIN RSA PRIVATE KEY-----`).
        if rest[b..k].contains('\n') {
            out.push_str(&rest[..b + BEGIN.len()]);
            rest = &rest[b + BEGIN.len()..];
            continue;
        }
        out.push_str(&rest[..k]);
        let body_end = rest[k..].find("-----END").map_or(rest.len(), |e| k + e);
        if rest[k..body_end].trim() == REDACTED {
            out.push_str(&rest[k..body_end]);
        } else {
            out.push_str(REDACTED);
        }
        rest = &rest[body_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_members_of_json_in_a_value_are_redacted() {
        assert_eq!(
            redact_value(r#"config={"password":"jsonleak3","user":"app"}"#),
            r#"config={"password":"<redacted>","user":"app"}"#
        );
        assert_eq!(
            redact_value(r#"{ "api_token" : "t0k", "port": "80" }"#),
            r#"{ "api_token" : "<redacted>", "port": "80" }"#
        );
        // An escaped quote inside the secret does not end it early.
        assert_eq!(
            redact_value(r#"{"secret":"a\"b","x":"y"}"#),
            r#"{"secret":"<redacted>","x":"y"}"#
        );
        // Names that are not secrets, numbers, and text that only looks like JSON stay.
        for plain in [
            r#"{"user":"app","port":"80"}"#,
            r#"{"password": 12}"#,
            r#"say "password": then"#,
            r#"{"password":""}"#,
            r#"unterminated "password":"abc"#,
        ] {
            assert_eq!(redact_value(plain), plain, "{plain}");
        }
        // Twice changes nothing.
        let once = redact_value(r#"{"password":"x"}"#);
        assert_eq!(redact_value(&once), once);
    }

    #[test]
    fn tokens_are_recognised_by_shape() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZw";
        assert_eq!(redact_value(&format!("auth={jwt} x")), "auth=<redacted> x");
        assert_eq!(
            redact_value("GH=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"),
            "GH=ghp_<redacted>"
        );
        assert_eq!(
            redact_value("key AKIAIOSFODNN7EXAMPLE"),
            "key AKIA<redacted>"
        );
        // Too short, or inside a word: not a token.
        assert_eq!(
            redact_value("ghp_x eyJ.a.b xAKIAIOSFODNN7EXAMPLE"),
            "ghp_x eyJ.a.b xAKIAIOSFODNN7EXAMPLE"
        );
        assert_eq!(redact_value("ghp_<redacted>"), "ghp_<redacted>");
    }

    #[test]
    fn private_key_bodies_are_redacted() {
        let pem =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAKC\n-----END RSA PRIVATE KEY-----\n";
        let shown = redact_value(pem);
        assert_eq!(
            shown,
            "-----BEGIN RSA PRIVATE KEY-----<redacted>-----END RSA PRIVATE KEY-----\n"
        );
        assert_eq!(redact_value(&shown), shown);
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
        assert_eq!(redact_value(cert), cert);
    }
}
