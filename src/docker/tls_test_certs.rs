//! Certificates made in the test (rcgen): a CA, daemon and client certificates signed by
//! it, and variations (expired, self-signed CA as the daemon's own certificate).
//! Shared by the unit tests of `tls.rs` and the real TLS tests (`tests/daemon_tls.rs`, which
//! include this file by path).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};

/// A certificate and its key, PEM.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
}

/// A CA.
pub struct Pki {
    pub ca_pem: String,
    params: CertificateParams,
    key: KeyPair,
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, format!("seawall test CA {name}"));
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

impl Pki {
    pub fn new(name: &str) -> Self {
        let params = ca_params(name);
        let key = KeyPair::generate().expect("key");
        let ca_pem = params.self_signed(&key).expect("ca").pem();
        Self {
            ca_pem,
            params,
            key,
        }
    }

    fn leaf(&self, sans: &[&str], client: bool, years: Option<(i32, i32)>) -> Leaf {
        let mut params =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .expect("params");
        params.distinguished_name.push(
            DnType::CommonName,
            if client {
                "seawall client"
            } else {
                "seawall daemon"
            },
        );
        params.extended_key_usages = vec![if client {
            ExtendedKeyUsagePurpose::ClientAuth
        } else {
            ExtendedKeyUsagePurpose::ServerAuth
        }];
        if let Some((from, to)) = years {
            params.not_before = date_time_ymd(from, 1, 1);
            params.not_after = date_time_ymd(to, 1, 1);
        }
        let key = KeyPair::generate().expect("key");
        let issuer = Issuer::from_params(&self.params, &self.key);
        Leaf {
            cert_pem: params.signed_by(&key, &issuer).expect("sign").pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// A daemon certificate for `sans` (`127.0.0.1`, `localhost`).
    pub fn server(&self, sans: &[&str]) -> Leaf {
        self.leaf(sans, false, None)
    }

    /// A daemon certificate valid only in the years given.
    pub fn server_dated(&self, sans: &[&str], from: i32, to: i32) -> Leaf {
        self.leaf(sans, false, Some((from, to)))
    }

    /// A client certificate.
    pub fn client(&self) -> Leaf {
        self.leaf(&[], true, None)
    }

    /// A client certificate valid only in the years given.
    pub fn client_dated(&self, from: i32, to: i32) -> Leaf {
        self.leaf(&[], true, Some((from, to)))
    }

    /// A CA:TRUE certificate for `sans` signed by this CA (webpki: CA used as end entity).
    pub fn ca_as_server(&self, sans: &[&str]) -> Leaf {
        let mut params = ca_params("intermediate");
        params.subject_alt_names =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .expect("sans")
                .subject_alt_names;
        let key = KeyPair::generate().expect("key");
        let issuer = Issuer::from_params(&self.params, &self.key);
        Leaf {
            cert_pem: params.signed_by(&key, &issuer).expect("sign").pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

/// A self-signed CA:TRUE certificate for `sans`, used as the daemon's certificate and as
/// the CA file (what `openssl req -x509` makes by default).
pub fn self_signed_ca_server(sans: &[&str]) -> Leaf {
    let mut params = ca_params("self-signed");
    params.subject_alt_names =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("sans")
            .subject_alt_names;
    let key = KeyPair::generate().expect("key");
    Leaf {
        cert_pem: params.self_signed(&key).expect("self-signed").pem(),
        key_pem: key.serialize_pem(),
    }
}
