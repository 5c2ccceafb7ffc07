//! Verified TLS to a daemon, the way the docker CLI does it: the daemon's certificate must
//! chain to the CA file (`ca.pem`); a client certificate (`cert.pem` + `key.pem`) is sent
//! when configured and is optional otherwise (`docker --tlsverify --tlscacert` alone).
//!
//! A daemon certificate that is itself the CA (a self-signed certificate given as its own
//! CA, which the docker CLI accepts and webpki rejects as "CA used as end entity") is
//! accepted only when it is byte-identical to a certificate of the CA file, and then its
//! name, validity dates and handshake signature are still checked. Everything else goes
//! through the webpki verifier. Verification is never turned off.
//!
//! Problems with the files are [`TlsFileError`]s; handshake failures are put in words by
//! [`super::tls_words`].

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bollard::errors::Error as BollardError;
use bollard::{BollardRequest, ClientVersion, Docker};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_name};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::sign::CertifiedKey;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::endpoint::TlsFiles;
use super::tls_validity::validity;

/// Which TLS file a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The CA certificate(s) the daemon's certificate must chain to.
    Ca,
    /// The client certificate.
    ClientCert,
    /// The client private key.
    ClientKey,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ca => "CA certificate",
            Self::ClientCert => "client certificate",
            Self::ClientKey => "client key",
        })
    }
}

/// A TLS file that cannot be used. Messages name the file and never quote its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsFileError {
    /// The file does not exist.
    #[error("the {role} file {} does not exist", path.display())]
    Missing {
        /// Which file.
        role: Role,
        /// Its path.
        path: PathBuf,
    },
    /// The file exists but cannot be read.
    #[error("cannot read the {role} file {}: {reason}", path.display())]
    Unreadable {
        /// Which file.
        role: Role,
        /// Its path.
        path: PathBuf,
        /// Why (one line).
        reason: String,
    },
    /// Not PEM at all (DER, or something else).
    #[error(
        "the {role} file {} is not a PEM file (expected \"-----BEGIN ...\"; a DER file converts \
         with openssl x509 -inform der)", path.display()
    )]
    NotPem {
        /// Which file.
        role: Role,
        /// Its path.
        path: PathBuf,
    },
    /// PEM, but without the expected item (a key where a certificate belongs, or the reverse).
    #[error("the {role} file {} holds no {expected}", path.display())]
    NothingUsable {
        /// Which file.
        role: Role,
        /// Its path.
        path: PathBuf,
        /// What was looked for ("certificate", "private key").
        expected: &'static str,
    },
    /// A PEM block that does not parse.
    #[error("the {role} file {} is damaged: {reason}", path.display())]
    Damaged {
        /// Which file.
        role: Role,
        /// Its path.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A passphrase-protected private key.
    #[error(
        "the client key {} is encrypted with a passphrase; the docker CLI and seawall need an \
         unencrypted key (openssl pkey -in KEY -out key.pem)", path.display()
    )]
    EncryptedKey {
        /// Its path.
        path: PathBuf,
    },
    /// A key type the TLS library cannot sign with.
    #[error("the client key {} is of a type seawall cannot use (RSA, ECDSA P-256/P-384 or Ed25519 work)", path.display())]
    UnsupportedKey {
        /// Its path.
        path: PathBuf,
    },
    /// The key is not the one of the certificate.
    #[error(
        "the client key {} does not belong to the client certificate {}", key.display(),
        cert.display()
    )]
    KeyMismatch {
        /// The certificate path.
        cert: PathBuf,
        /// The key path.
        key: PathBuf,
    },
    /// Only one half of the client pair exists.
    #[error(
        "the {present_role} file {} exists but the {missing_role} file {} does not; give both or \
         neither", present.display(), missing.display()
    )]
    HalfPair {
        /// The role of the file that exists.
        present_role: Role,
        /// Its path.
        present: PathBuf,
        /// The role of the missing one.
        missing_role: Role,
        /// Its path.
        missing: PathBuf,
    },
    /// The client certificate's validity period does not contain now.
    #[error("the client certificate {} {when}", path.display())]
    ClientCertDates {
        /// Its path.
        path: PathBuf,
        /// "expired on ..." / "is not valid before ...".
        when: String,
    },
    /// The CA file holds a certificate that is not usable as a trust anchor.
    #[error("the CA certificate file {} holds a certificate that cannot be a CA: {reason}", path.display())]
    BadCa {
        /// Its path.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The TLS library refused the configuration (should not happen with the built-in
    /// provider).
    #[error("cannot set up TLS: {0}")]
    Setup(String),
}

/// The client certificate chain and key, read and checked.
struct ClientIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

/// The crypto provider seawall uses (ring, as bollard's `ssl` feature).
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration for `files`: the CA file as the only roots, the client identity
/// when configured.
pub fn client_config(files: &TlsFiles) -> Result<ClientConfig, TlsFileError> {
    let provider = provider();
    let ca = read_certs(Role::Ca, &files.ca)?;
    let verifier = DaemonCertVerifier::new(&files.ca, ca, &provider)?;
    let identity = match files.client_pair()? {
        Some((cert, key)) => Some(read_identity(cert, key, &provider, UnixTime::now())?),
        None => None,
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| TlsFileError::Setup(err.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    match identity {
        Some(identity) => builder
            .with_client_auth_cert(identity.chain, identity.key)
            .map_err(|err| TlsFileError::Setup(err.to_string())),
        None => Ok(builder.with_no_client_auth()),
    }
}

/// A bollard client for `addr` (`host:port`) over verified TLS, with a keep-alive pool.
pub fn docker(
    addr: &str,
    files: &TlsFiles,
    request_timeout: Duration,
    version: &ClientVersion,
) -> Result<Docker, TlsFileError> {
    let config = client_config(files)?;
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    let https = hyper_rustls::HttpsConnector::from((http, config));
    let client = Arc::new(
        Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(https),
    );
    let transport = move |req: BollardRequest| {
        let client = Arc::clone(&client);
        async move { client.request(req).await.map_err(BollardError::from) }
    };
    Docker::connect_with_custom_transport(
        transport,
        Some(format!("https://{addr}")),
        request_timeout.as_secs().max(1),
        version,
    )
    .map_err(|err| TlsFileError::Setup(err.to_string()))
}

fn read_file(role: Role, path: &Path) -> Result<Vec<u8>, TlsFileError> {
    std::fs::read(path).map_err(|err| match err.kind() {
        io::ErrorKind::NotFound => TlsFileError::Missing {
            role,
            path: path.to_path_buf(),
        },
        io::ErrorKind::PermissionDenied => TlsFileError::Unreadable {
            role,
            path: path.to_path_buf(),
            reason: "permission denied".into(),
        },
        _ => TlsFileError::Unreadable {
            role,
            path: path.to_path_buf(),
            reason: err.to_string(),
        },
    })
}

fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

fn pem_problem(role: Role, path: &Path, err: &pem::Error) -> TlsFileError {
    let reason = match err {
        pem::Error::MissingSectionEnd { .. } => "a PEM block has no END line".to_string(),
        pem::Error::IllegalSectionStart { .. } => "a PEM BEGIN line is malformed".to_string(),
        pem::Error::Base64Decode(_) => "a PEM block is not valid base64".to_string(),
        _ => "it cannot be parsed as PEM".to_string(),
    };
    TlsFileError::Damaged {
        role,
        path: path.to_path_buf(),
        reason,
    }
}

/// Every certificate of a PEM file (at least one).
fn read_certs(role: Role, path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsFileError> {
    let bytes = read_file(role, path)?;
    if !is_pem(&bytes) {
        return Err(TlsFileError::NotPem {
            role,
            path: path.to_path_buf(),
        });
    }
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| pem_problem(role, path, &err))?;
    if certs.is_empty() {
        return Err(TlsFileError::NothingUsable {
            role,
            path: path.to_path_buf(),
            expected: "certificate",
        });
    }
    for cert in &certs {
        if validity(cert).is_none() {
            return Err(TlsFileError::Damaged {
                role,
                path: path.to_path_buf(),
                reason: "a certificate in it is not valid X.509".into(),
            });
        }
    }
    Ok(certs)
}

fn read_identity(
    cert_path: &Path,
    key_path: &Path,
    provider: &CryptoProvider,
    now: UnixTime,
) -> Result<ClientIdentity, TlsFileError> {
    let chain = read_certs(Role::ClientCert, cert_path)?;
    let bytes = read_file(Role::ClientKey, key_path)?;
    if !is_pem(&bytes) {
        return Err(TlsFileError::NotPem {
            role: Role::ClientKey,
            path: key_path.to_path_buf(),
        });
    }
    let key = match PrivateKeyDer::from_pem_slice(&bytes) {
        Ok(key) => key,
        Err(pem::Error::NoItemsFound) if contains(&bytes, b"ENCRYPTED") => {
            return Err(TlsFileError::EncryptedKey {
                path: key_path.to_path_buf(),
            });
        }
        Err(pem::Error::NoItemsFound) => {
            return Err(TlsFileError::NothingUsable {
                role: Role::ClientKey,
                path: key_path.to_path_buf(),
                expected: "private key",
            });
        }
        Err(err) => return Err(pem_problem(Role::ClientKey, key_path, &err)),
    };
    let signing = provider
        .key_provider
        .load_private_key(key.clone_key())
        .map_err(|_| TlsFileError::UnsupportedKey {
            path: key_path.to_path_buf(),
        })?;
    let certified = CertifiedKey::new(chain.clone(), signing);
    if let Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) =
        certified.keys_match()
    {
        return Err(TlsFileError::KeyMismatch {
            cert: cert_path.to_path_buf(),
            key: key_path.to_path_buf(),
        });
    }
    if let Some(dates) = validity(&chain[0])
        && let Err(err) = dates.check(now)
    {
        return Err(TlsFileError::ClientCertDates {
            path: cert_path.to_path_buf(),
            when: super::tls_words::dates_words(&err),
        });
    }
    Ok(ClientIdentity { chain, key })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// webpki, plus the one case the docker CLI accepts and webpki does not: the daemon presents
/// exactly a certificate of the CA file.
#[derive(Debug)]
struct DaemonCertVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    own_ca: Vec<CertificateDer<'static>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl DaemonCertVerifier {
    fn new(
        path: &Path,
        ca: Vec<CertificateDer<'static>>,
        provider: &Arc<CryptoProvider>,
    ) -> Result<Self, TlsFileError> {
        let mut roots = RootCertStore::empty();
        for cert in &ca {
            roots.add(cert.clone()).map_err(|err| TlsFileError::BadCa {
                path: path.to_path_buf(),
                reason: super::tls_words::rustls_words(&err, &super::tls_words::Peer::none()),
            })?;
        }
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|err| TlsFileError::BadCa {
                path: path.to_path_buf(),
                reason: err.to_string(),
            })?;
        Ok(Self {
            webpki,
            own_ca: ca,
            algorithms: provider.signature_verification_algorithms,
        })
    }
}

impl ServerCertVerifier for DaemonCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self
            .own_ca
            .iter()
            .any(|ca| ca.as_ref() == end_entity.as_ref())
        {
            // Trusted by identity: the operator gave this very certificate as the CA. The
            // handshake signature is checked by the two methods below, as for any certificate.
            let parsed = ParsedCertificate::try_from(end_entity)?;
            verify_server_name(&parsed, server_name)?;
            let dates = validity(end_entity).ok_or(CertificateError::BadEncoding)?;
            dates.check(now)?;
            return Ok(ServerCertVerified::assertion());
        }
        self.webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tls_test_certs::{Pki, self_signed_ca_server};
    use super::*;
    use crate::docker::context_store::tests::TempDir;

    fn der(pem: &str) -> CertificateDer<'static> {
        CertificateDer::from_pem_slice(pem.as_bytes()).expect("pem")
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    fn verifier(ca_pem: &str) -> DaemonCertVerifier {
        DaemonCertVerifier::new(Path::new("/certs/ca.pem"), vec![der(ca_pem)], &provider())
            .expect("verifier")
    }

    fn name(host: &str) -> ServerName<'static> {
        ServerName::try_from(host.to_string()).expect("server name")
    }

    /// Why the verifier refuses `cert_pem` for `host`, in words; `None` when it accepts it.
    fn refusal(verifier: &DaemonCertVerifier, cert_pem: &str, host: &str) -> Option<String> {
        verifier
            .verify_server_cert(&der(cert_pem), &[], &name(host), &[], UnixTime::now())
            .err()
            .map(|err| {
                let peer = super::super::tls_words::Peer {
                    host: Some(host),
                    ca: Some(Path::new("/certs/ca.pem")),
                    client_cert: None,
                };
                super::super::tls_words::rustls_words(&err, &peer)
            })
    }

    #[test]
    fn a_self_signed_daemon_certificate_given_as_its_own_ca_is_accepted_for_its_names() {
        let own = self_signed_ca_server(&["127.0.0.1", "localhost"]);
        let verifier = verifier(&own.cert_pem);
        assert_eq!(refusal(&verifier, &own.cert_pem, "127.0.0.1"), None);
        assert_eq!(refusal(&verifier, &own.cert_pem, "localhost"), None);
        let text = refusal(&verifier, &own.cert_pem, "other.example").expect("name");
        assert_eq!(
            text,
            "the daemon's certificate is not valid for the name \"other.example\" seawall \
             connected to; it is valid for: 127.0.0.1, localhost"
        );
    }

    #[test]
    fn a_ca_certificate_that_is_not_the_ca_file_is_refused_in_words() {
        let pki = Pki::new("ca-as-ee");
        let verifier = verifier(&pki.ca_pem);
        let intermediate = pki.ca_as_server(&["127.0.0.1"]);
        let text = refusal(&verifier, &intermediate.cert_pem, "127.0.0.1").expect("ca as ee");
        assert!(
            text.starts_with(
                "the daemon's certificate is a CA certificate (CA:TRUE), not a server certificate"
            ),
            "{text}"
        );
        // A self-signed CA certificate that is not the one in the CA file: the same words.
        let stranger = self_signed_ca_server(&["127.0.0.1"]);
        let text = refusal(&verifier, &stranger.cert_pem, "127.0.0.1").expect("stranger");
        assert!(
            text.contains("it is not the CA in /certs/ca.pem itself"),
            "{text}"
        );
    }

    #[test]
    fn the_normal_chain_goes_through_webpki() {
        let pki = Pki::new("chain");
        let verifier = verifier(&pki.ca_pem);
        let server = pki.server(&["127.0.0.1", "localhost"]);
        assert_eq!(refusal(&verifier, &server.cert_pem, "127.0.0.1"), None);
        let text = refusal(&verifier, &server.cert_pem, "10.9.9.9").expect("name");
        assert!(text.contains("\"10.9.9.9\""), "{text}");
        assert!(text.ends_with("valid for: 127.0.0.1, localhost"), "{text}");
        let expired = pki.server_dated(&["127.0.0.1"], 2000, 2001);
        let text = refusal(&verifier, &expired.cert_pem, "127.0.0.1").expect("expired");
        assert!(
            text.starts_with(
                "the daemon's certificate expired on 2001-01-01 00:00:00 UTC (it is now "
            ),
            "{text}"
        );
        let other = Pki::new("other");
        let text = refusal(
            &verifier,
            &other.server(&["127.0.0.1"]).cert_pem,
            "127.0.0.1",
        )
        .expect("unknown issuer");
        assert!(
            text.starts_with("the daemon's certificate is not signed by the CA in /certs/ca.pem"),
            "{text}"
        );
    }

    #[test]
    fn an_expired_self_signed_daemon_certificate_is_refused() {
        let pki = Pki::new("dates");
        // Not the CA file itself, so check the dates through the self-signed path by making
        // the expired certificate the CA file.
        let expired = pki.server_dated(&["127.0.0.1"], 2000, 2001);
        let verifier = verifier(&expired.cert_pem);
        let text = refusal(&verifier, &expired.cert_pem, "127.0.0.1").expect("expired");
        assert!(text.contains("expired on 2001-01-01"), "{text}");
    }

    #[test]
    fn validity_reads_the_dates_rcgen_wrote() {
        let pki = Pki::new("validity");
        let leaf = pki.server_dated(&["a.example"], 2000, 2060);
        let period = validity(&der(&leaf.cert_pem)).expect("validity");
        assert_eq!(period.not_before, 946_684_800);
        assert_eq!(period.not_after, 2_840_140_800);
    }

    #[test]
    fn ca_only_is_server_verified_tls_without_a_client_certificate() {
        let dir = TempDir::new("ca-only");
        let pki = Pki::new("ca-only");
        write(dir.path(), "ca.pem", &pki.ca_pem);
        let files = TlsFiles::in_dir(dir.path());
        assert_eq!(files.client_pair(), Ok(None));
        let config = client_config(&files).expect("config");
        assert!(!config.client_auth_cert_resolver.has_certs());
        let full = {
            let client = pki.client();
            write(dir.path(), "cert.pem", &client.cert_pem);
            write(dir.path(), "key.pem", &client.key_pem);
            client_config(&files).expect("mutual")
        };
        assert!(full.client_auth_cert_resolver.has_certs());
    }

    fn config_err(files: &TlsFiles) -> String {
        let text = client_config(files).expect_err("must fail").to_string();
        assert!(!text.contains("MII"), "no file content: {text}");
        assert!(!text.contains('\n'), "{text}");
        text
    }

    #[test]
    fn file_problems_name_the_file_and_the_problem() {
        let dir = TempDir::new("file-problems");
        let d = dir.path();
        let pki = Pki::new("files");
        let client = pki.client();
        let ca = write(d, "ca.pem", &pki.ca_pem);
        let cert = write(d, "cert.pem", &client.cert_pem);
        let files = TlsFiles::in_dir(d);

        // Half a pair.
        assert_eq!(
            config_err(&files),
            format!(
                "the client certificate file {} exists but the client key file {} does not; \
                 give both or neither",
                cert.display(),
                d.join("key.pem").display()
            )
        );
        // A key that belongs to another certificate.
        let key = write(d, "key.pem", &pki.client().key_pem);
        assert_eq!(
            config_err(&files),
            format!(
                "the client key {} does not belong to the client certificate {}",
                key.display(),
                cert.display()
            )
        );
        // An expired client certificate.
        let old = pki.client_dated(2000, 2001);
        write(d, "cert.pem", &old.cert_pem);
        write(d, "key.pem", &old.key_pem);
        let text = config_err(&files);
        assert!(
            text.starts_with(&format!(
                "the client certificate {} expired on 2001-01-01 00:00:00 UTC",
                cert.display()
            )),
            "{text}"
        );
        // A key where the certificate belongs.
        write(d, "cert.pem", &client.key_pem);
        write(d, "key.pem", &client.key_pem);
        assert_eq!(
            config_err(&files),
            format!(
                "the client certificate file {} holds no certificate",
                cert.display()
            )
        );
        // A certificate where the key belongs.
        write(d, "cert.pem", &client.cert_pem);
        write(d, "key.pem", &client.cert_pem);
        assert_eq!(
            config_err(&files),
            format!("the client key file {} holds no private key", key.display())
        );
        // An encrypted key.
        write(
            d,
            "key.pem",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n",
        );
        assert!(config_err(&files).contains("is encrypted with a passphrase"));
        // DER instead of PEM.
        std::fs::write(&ca, der(&pki.ca_pem).as_ref()).expect("der");
        let text = config_err(&files);
        assert!(
            text.starts_with(&format!(
                "the CA certificate file {} is not a PEM file",
                ca.display()
            )),
            "{text}"
        );
        // A damaged PEM block.
        write(
            d,
            "ca.pem",
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        );
        let text = config_err(&files);
        assert!(
            text.starts_with(&format!(
                "the CA certificate file {} is damaged",
                ca.display()
            )),
            "{text}"
        );
        // Missing.
        std::fs::remove_file(&ca).expect("rm");
        assert_eq!(
            config_err(&files),
            format!("the CA certificate file {} does not exist", ca.display())
        );
    }
}
