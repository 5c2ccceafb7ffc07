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
/// other members with a secret name keep their name, not their value (a string or a
/// number). JSON that is itself inside a JSON string (`{\"password\":\"...\"}`) too.
fn redact_json_pairs(text: &str) -> String {
    let text = pairs_quoted_by(text, "\"");
    if text.contains("\\\"") {
        pairs_quoted_by(&text, "\\\"")
    } else {
        text
    }
}

/// [`redact_json_pairs`] for strings quoted by `q` (`"`, or `\"` inside a JSON string).
fn pairs_quoted_by(text: &str, q: &str) -> String {
    // Most values hold no quote at all: no allocation, one scan.
    if !text.contains(q)
        || !text
            .split(q)
            .skip(1)
            .any(|rest| rest.trim_start().starts_with(':'))
    {
        return text.to_string();
    }
    // Where the string whose content starts at `from` ends (the closing quote's index).
    let closing = |from: usize| -> Option<usize> {
        if q == "\"" {
            let b = text.as_bytes();
            let mut i = from;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i),
                    _ => i += 1,
                }
            }
            None
        } else {
            text[from..].find(q).map(|p| from + p)
        }
    };
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
    while let Some(open) = text[i..].find(q).map(|p| i + p) {
        let Some(key_close) = closing(open + q.len()) else {
            break;
        };
        let key = &text[open + q.len()..key_close];
        let after_key = key_close + q.len();
        let colon = skip_blank(after_key);
        if colon >= b.len() || b[colon] != b':' || !is_secret_name(key) {
            i = after_key;
            continue;
        }
        let value = skip_blank(colon + 1);
        if text[value..].starts_with(q) {
            let Some(value_close) = closing(value + q.len()) else {
                break;
            };
            let inner = &text[value + q.len()..value_close];
            if !inner.is_empty() && inner != REDACTED {
                out.push_str(&text[copied..value + q.len()]);
                out.push_str(REDACTED);
                copied = value_close;
            }
            i = value_close + q.len();
        } else if b
            .get(value)
            .is_some_and(|c| c.is_ascii_digit() || *c == b'-')
        {
            let len = text[value..]
                .find(|c: char| matches!(c, ',' | '}' | ']') || c.is_whitespace() || c == '\\')
                .unwrap_or(text.len() - value);
            out.push_str(&text[copied..value]);
            out.push_str(REDACTED);
            copied = value + len;
            i = copied;
        } else {
            i = after_key;
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
        // A number, and JSON inside a JSON string (a label holding escaped JSON).
        assert_eq!(
            redact_value(r#"{"password":12345679,"port":80}"#),
            r#"{"password":<redacted>,"port":80}"#
        );
        assert_eq!(
            redact_value(r#"l={\"password\":\"hunter\",\"user\":\"app\"}"#),
            r#"l={\"password\":\"<redacted>\",\"user\":\"app\"}"#
        );
        // Names that are not secrets and text that only looks like JSON stay.
        for plain in [
            r#"{"user":"app","port":"80"}"#,
            r#"{"port": 12}"#,
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
