//! TLS failures in words: which certificate (the daemon's, the client's, the CA), which file,
//! and what is wrong with it, instead of the TLS library's debug forms
//! (`Other(OtherError(CaUsedAsEndEntity))`).

use std::error::Error as StdError;
use std::path::Path;

use rustls::pki_types::UnixTime;
use rustls::{AlertDescription, CertificateError};

use crate::sanitize::terminal_line;

use super::endpoint::TlsFiles;

/// What the words may name: the host seawall asked for and the files it used.
#[derive(Debug, Clone, Copy, Default)]
pub struct Peer<'a> {
    /// The host part of the address (`daemon.example.com`, `127.0.0.1`).
    pub host: Option<&'a str>,
    /// The CA file.
    pub ca: Option<&'a Path>,
    /// The client certificate that was offered, if any.
    pub client_cert: Option<&'a Path>,
}

impl<'a> Peer<'a> {
    /// Nothing known (words without file names).
    pub fn none() -> Self {
        Self::default()
    }

    /// The host of `addr` (`host:port`, IPv6 in brackets) and the files of `files`.
    pub fn new(addr: &'a str, files: &'a TlsFiles) -> Self {
        let host = addr
            .rsplit_once(':')
            .map_or(addr, |(host, _)| host)
            .trim_start_matches('[')
            .trim_end_matches(']');
        Self {
            host: Some(host),
            ca: Some(files.ca.as_path()),
            client_cert: files.client_pair().ok().flatten().map(|(cert, _)| cert),
        }
    }

    fn ca_named(&self) -> String {
        match self.ca {
            Some(path) => format!("the CA in {}", path.display()),
            None => "the configured CA".into(),
        }
    }

    fn client_cert_named(&self) -> String {
        match self.client_cert {
            Some(path) => format!("the client certificate {}", path.display()),
            None => "the client certificate".into(),
        }
    }
}

/// The first rustls error in an error chain.
pub fn find_rustls<'a>(chain: &[&'a (dyn StdError + 'static)]) -> Option<&'a rustls::Error> {
    chain
        .iter()
        .find_map(|err| err.downcast_ref::<rustls::Error>())
}

/// A date the way the words show it.
fn date(time: UnixTime) -> String {
    i64::try_from(time.as_secs())
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map_or_else(
            || format!("{} s after 1970", time.as_secs()),
            |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        )
}

/// "expired on ..." / "is not valid before ..." for a dates error (other errors: their words).
pub fn dates_words(err: &CertificateError) -> String {
    match err {
        CertificateError::ExpiredContext { time, not_after } => {
            format!(
                "expired on {} (it is now {})",
                date(*not_after),
                date(*time)
            )
        }
        CertificateError::Expired => "has expired".into(),
        CertificateError::NotValidYetContext { time, not_before } => format!(
            "is not valid before {} (it is now {}; check the clocks)",
            date(*not_before),
            date(*time)
        ),
        CertificateError::NotValidYet => "is not valid yet (check the clocks)".into(),
        other => certificate_words(other, &Peer::none()),
    }
}

/// How many of a certificate's names a message lists.
const MAX_NAMES_SHOWN: usize = 8;
/// The longest name a message shows (in characters).
const MAX_NAME_CHARS: usize = 80;

/// A name webpki shows as `DnsName("x")` or `IpAddress(1.2.3.4)`, as `x` / `1.2.3.4`, cut to
/// [`MAX_NAME_CHARS`].
fn presented_name(raw: &str) -> String {
    let plain = raw
        .strip_prefix("DnsName(\"")
        .and_then(|rest| rest.strip_suffix("\")"))
        .or_else(|| {
            raw.strip_prefix("IpAddress(")
                .and_then(|rest| rest.strip_suffix(')'))
        })
        .unwrap_or(raw);
    let mut shown: String = terminal_line(plain).chars().take(MAX_NAME_CHARS).collect();
    if shown.chars().count() == MAX_NAME_CHARS {
        shown.push('…');
    }
    shown
}

/// What is wrong with the daemon's certificate.
fn certificate_words(err: &CertificateError, peer: &Peer) -> String {
    let subject = "the daemon's certificate";
    match err {
        CertificateError::ExpiredContext { .. }
        | CertificateError::Expired
        | CertificateError::NotValidYetContext { .. }
        | CertificateError::NotValidYet => format!("{subject} {}", dates_words(err)),
        CertificateError::UnknownIssuer => format!(
            "{subject} is not signed by {} (unknown issuer): the CA file does not belong to \
             this daemon",
            peer.ca_named()
        ),
        CertificateError::NotValidForNameContext {
            expected,
            presented,
        } => {
            let asked = terminal_line(&expected.to_str()).into_owned();
            // The daemon chose these names: a bounded number of bounded names.
            let mut names: Vec<String> = presented
                .iter()
                .take(MAX_NAMES_SHOWN)
                .map(|n| presented_name(n))
                .collect();
            if presented.len() > MAX_NAMES_SHOWN {
                names.push(format!("and {} more", presented.len() - MAX_NAMES_SHOWN));
            }
            let names = if names.is_empty() {
                "no names (no subjectAltName)".to_string()
            } else {
                names.join(", ")
            };
            format!(
                "{subject} is not valid for the name \"{asked}\" seawall connected to; it is \
                 valid for: {names}"
            )
        }
        CertificateError::NotValidForName => {
            let asked = peer.host.map_or_else(String::new, |h| format!(" \"{h}\""));
            format!("{subject} is not valid for the name{asked} seawall connected to")
        }
        CertificateError::BadSignature => {
            format!("{subject} has a signature that does not verify")
        }
        CertificateError::BadEncoding => format!("{subject} cannot be parsed"),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            format!("{subject} is not meant for a server (its extended key usage lacks serverAuth)")
        }
        CertificateError::Revoked => format!("{subject} is revoked"),
        CertificateError::UnhandledCriticalExtension => {
            format!("{subject} has a critical extension seawall does not understand")
        }
        CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            format!("{subject} is signed with an algorithm seawall does not support")
        }
        CertificateError::Other(other) => {
            let text = format!("{other:?}");
            if text.contains("CaUsedAsEndEntity") {
                format!(
                    "{subject} is a CA certificate (CA:TRUE), not a server certificate, and it \
                     is not {} itself (a self-signed daemon certificate is accepted when the CA \
                     file is that very certificate)",
                    peer.ca_named()
                )
            } else if text.contains("EndEntityUsedAsCa") {
                format!(
                    "{subject} is issued by a certificate that is not a CA (CA:FALSE) in its chain"
                )
            } else if text.contains("PathLenConstraintViolated")
                || text.contains("NameConstraintViolation")
            {
                format!("{subject} breaks a constraint of its CA")
            } else {
                format!("{subject} is not acceptable")
            }
        }
        _ => format!("{subject} is not acceptable"),
    }
}

/// An alert the daemon sent: mostly about our client certificate.
fn alert_words(alert: AlertDescription, peer: &Peer) -> String {
    let offered = peer.client_cert.is_some();
    let none_configured = "no client certificate is configured: put cert.pem and key.pem \
                           next to ca.pem (DOCKER_CERT_PATH), or add cert= and key= to the \
                           context";
    match alert {
        AlertDescription::CertificateRequired => {
            format!(
                "the daemon requires a client certificate (alert certificate_required), and {none_configured}"
            )
        }
        AlertDescription::BadCertificate
        | AlertDescription::UnknownCA
        | AlertDescription::CertificateUnknown
        | AlertDescription::UnsupportedCertificate
        | AlertDescription::AccessDenied
            if offered =>
        {
            format!(
                "the daemon rejected {} (alert {}): it is not signed by a CA the daemon trusts \
                 (tlscacert on the daemon)",
                peer.client_cert_named(),
                alert_name(alert)
            )
        }
        AlertDescription::CertificateExpired if offered => format!(
            "the daemon rejected {} as expired (alert certificate_expired)",
            peer.client_cert_named()
        ),
        AlertDescription::CertificateRevoked if offered => format!(
            "the daemon rejected {} as revoked (alert certificate_revoked)",
            peer.client_cert_named()
        ),
        AlertDescription::BadCertificate
        | AlertDescription::UnknownCA
        | AlertDescription::CertificateUnknown
        | AlertDescription::AccessDenied
        | AlertDescription::HandshakeFailure
            if !offered =>
        {
            format!(
                "the daemon refused the connection (alert {}): it most likely requires a client \
                 certificate, and {none_configured}",
                alert_name(alert)
            )
        }
        AlertDescription::ProtocolVersion => {
            "the daemon and seawall share no TLS version (seawall speaks TLS 1.2 and 1.3)".into()
        }
        AlertDescription::HandshakeFailure | AlertDescription::InsufficientSecurity => format!(
            "the daemon ended the handshake (alert {}): no common cipher suite, or it did not \
             accept {}",
            alert_name(alert),
            peer.client_cert_named()
        ),
        AlertDescription::UnrecognisedName => format!(
            "the daemon does not serve the name {} (alert unrecognized_name)",
            peer.host.unwrap_or("asked for")
        ),
        other => format!(
            "the daemon ended the handshake with alert {}",
            alert_name(other)
        ),
    }
}

/// The RFC 8446 name of an alert.
fn alert_name(alert: AlertDescription) -> String {
    match alert {
        AlertDescription::BadCertificate => "bad_certificate".into(),
        AlertDescription::UnknownCA => "unknown_ca".into(),
        AlertDescription::CertificateUnknown => "certificate_unknown".into(),
        AlertDescription::CertificateRequired => "certificate_required".into(),
        AlertDescription::CertificateExpired => "certificate_expired".into(),
        AlertDescription::CertificateRevoked => "certificate_revoked".into(),
        AlertDescription::UnsupportedCertificate => "unsupported_certificate".into(),
        AlertDescription::AccessDenied => "access_denied".into(),
        AlertDescription::HandshakeFailure => "handshake_failure".into(),
        AlertDescription::ProtocolVersion => "protocol_version".into(),
        AlertDescription::InsufficientSecurity => "insufficient_security".into(),
        AlertDescription::InternalError => "internal_error".into(),
        AlertDescription::DecryptError => "decrypt_error".into(),
        AlertDescription::IllegalParameter => "illegal_parameter".into(),
        other => format!("{}", u8::from(other)),
    }
}

/// A rustls error in words.
pub fn rustls_words(err: &rustls::Error, peer: &Peer) -> String {
    use rustls::Error as E;
    match err {
        E::InvalidCertificate(cert_err) => certificate_words(cert_err, peer),
        E::AlertReceived(alert) => alert_words(*alert, peer),
        E::NoCertificatesPresented => "the daemon presented no certificate".into(),
        E::InvalidMessage(_) | E::InappropriateMessage { .. } => {
            "the server did not answer in TLS (is it a plain-HTTP daemon? then drop \
             DOCKER_TLS_VERIFY and https://)"
                .into()
        }
        E::PeerIncompatible(_) => {
            "the daemon and seawall share no TLS version, cipher suite or signature scheme".into()
        }
        E::DecryptError => "the TLS handshake failed to decrypt (a damaged connection?)".into(),
        E::InconsistentKeys(_) => format!(
            "the client key does not belong to {}",
            peer.client_cert_named()
        ),
        E::PeerMisbehaved(_) => "the daemon broke the TLS protocol".into(),
        E::UnsupportedNameType => "the daemon's address cannot be used as a TLS name".into(),
        _ => "the TLS handshake failed".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::ServerName;
    use std::time::Duration;

    fn at(secs: u64) -> UnixTime {
        UnixTime::since_unix_epoch(Duration::from_secs(secs))
    }

    fn files() -> TlsFiles {
        TlsFiles::in_dir(Path::new("/certs"))
    }

    fn peer(files: &TlsFiles, offered: bool) -> Peer<'_> {
        Peer {
            host: Some("daemon.example"),
            ca: Some(files.ca.as_path()),
            client_cert: offered.then_some(files.cert.as_deref()).flatten(),
        }
    }

    fn words(err: rustls::Error, offered: bool) -> String {
        let files = files();
        let text = rustls_words(&err, &peer(&files, offered));
        assert!(!text.contains("Other("), "{text}");
        assert!(!text.contains('\n'), "{text}");
        text
    }

    #[test]
    fn expired_daemon_certificate() {
        let err = CertificateError::ExpiredContext {
            time: at(1_796_256_000),
            not_after: at(1_577_836_800),
        };
        assert_eq!(
            words(err.into(), true),
            "the daemon's certificate expired on 2020-01-01 00:00:00 UTC (it is now 2026-12-03 \
             00:00:00 UTC)"
        );
    }

    #[test]
    fn not_yet_valid_daemon_certificate() {
        let err = CertificateError::NotValidYetContext {
            time: at(0),
            not_before: at(86_400),
        };
        assert_eq!(
            words(err.into(), true),
            "the daemon's certificate is not valid before 1970-01-02 00:00:00 UTC (it is now \
             1970-01-01 00:00:00 UTC; check the clocks)"
        );
    }

    #[test]
    fn unknown_issuer_names_the_ca_file() {
        let text = words(CertificateError::UnknownIssuer.into(), true);
        assert_eq!(
            text,
            "the daemon's certificate is not signed by the CA in /certs/ca.pem (unknown issuer): \
             the CA file does not belong to this daemon"
        );
    }

    #[test]
    fn name_mismatch_says_the_name_asked_and_the_names_in_the_certificate() {
        let err = CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("daemon.example").expect("name"),
            presented: vec![
                "DnsName(\"other.example\")".into(),
                "IpAddress(10.0.0.9)".into(),
                "DnsName(\"evil\u{1b}[31m\")".into(),
            ],
        };
        let text = words(err.into(), true);
        assert!(
            text.starts_with(
                "the daemon's certificate is not valid for the name \"daemon.example\" seawall \
                 connected to; it is valid for: other.example, 10.0.0.9, evil"
            ),
            "{text}"
        );
        assert!(
            !text.contains('\u{1b}'),
            "escape sequences are shown escaped: {text}"
        );
        let none = CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("127.0.0.1").expect("ip"),
            presented: vec![],
        };
        assert!(words(none.into(), true).ends_with("valid for: no names (no subjectAltName)"));
        let many = CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("d.example").expect("name"),
            presented: (0..1000)
                .map(|i| format!("DnsName(\"{}{i}.example\")", "x".repeat(200)))
                .collect(),
        };
        let text = words(many.into(), true);
        assert!(text.ends_with(", and 992 more"), "{text}");
        assert!(
            text.chars().count() < 1000,
            "bounded: {} chars",
            text.chars().count()
        );
    }

    #[test]
    fn ca_used_as_end_entity_is_explained() {
        #[derive(Debug)]
        struct CaUsedAsEndEntity;
        impl std::fmt::Display for CaUsedAsEndEntity {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("CaUsedAsEndEntity")
            }
        }
        impl StdError for CaUsedAsEndEntity {}
        let other = rustls::OtherError(std::sync::Arc::new(CaUsedAsEndEntity));
        let text = words(CertificateError::Other(other).into(), true);
        assert_eq!(
            text,
            "the daemon's certificate is a CA certificate (CA:TRUE), not a server certificate, \
             and it is not the CA in /certs/ca.pem itself (a self-signed daemon certificate is \
             accepted when the CA file is that very certificate)"
        );
    }

    #[test]
    fn client_certificate_rejected_by_the_daemon() {
        for alert in [
            AlertDescription::BadCertificate,
            AlertDescription::UnknownCA,
        ] {
            let text = words(rustls::Error::AlertReceived(alert), true);
            assert!(
                text.starts_with(
                    "the daemon rejected the client certificate /certs/cert.pem (alert "
                ),
                "{text}"
            );
            assert!(
                text.contains("not signed by a CA the daemon trusts"),
                "{text}"
            );
        }
        assert_eq!(
            words(
                rustls::Error::AlertReceived(AlertDescription::CertificateExpired),
                true
            ),
            "the daemon rejected the client certificate /certs/cert.pem as expired (alert \
             certificate_expired)"
        );
    }

    #[test]
    fn missing_client_certificate_is_explained() {
        let text = words(
            rustls::Error::AlertReceived(AlertDescription::CertificateRequired),
            false,
        );
        assert!(
            text.starts_with(
                "the daemon requires a client certificate (alert certificate_required), and no \
                 client certificate is configured: put cert.pem and key.pem next to ca.pem"
            ),
            "{text}"
        );
        let text = words(
            rustls::Error::AlertReceived(AlertDescription::BadCertificate),
            false,
        );
        assert!(
            text.starts_with("the daemon refused the connection (alert bad_certificate): it most likely requires a client certificate"),
            "{text}"
        );
    }

    #[test]
    fn plain_http_peer_and_key_mismatch() {
        let text = words(
            rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
            true,
        );
        assert!(text.contains("did not answer in TLS"), "{text}");
        let text = words(
            rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch),
            true,
        );
        assert_eq!(
            text,
            "the client key does not belong to the client certificate /certs/cert.pem"
        );
    }

    #[test]
    fn peer_takes_the_host_out_of_the_address() {
        let files = files();
        assert_eq!(Peer::new("[::1]:2376", &files).host, Some("::1"));
        assert_eq!(Peer::new("d.example:2376", &files).host, Some("d.example"));
    }

    #[test]
    fn find_rustls_digs_through_io_errors() {
        let inner = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, inner);
        let chain: Vec<&(dyn StdError + 'static)> = vec![&io, io.get_ref().expect("wrapped")];
        assert!(matches!(
            find_rustls(&chain),
            Some(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer
            ))
        ));
    }
}
