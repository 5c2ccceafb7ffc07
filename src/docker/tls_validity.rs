//! A certificate's validity dates, read from its DER (the one piece of X.509 seawall needs
//! that the TLS library does not hand out): checked for a self-signed daemon certificate
//! trusted by identity, and for the client certificate before it is sent.

use std::time::Duration;

use rustls::CertificateError;
use rustls::pki_types::UnixTime;

/// A certificate's validity period, in seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// notBefore.
    pub not_before: u64,
    /// notAfter.
    pub not_after: u64,
}

impl Validity {
    /// Does the period contain `now`? The error carries both times (as webpki reports them).
    pub fn check(&self, now: UnixTime) -> Result<(), CertificateError> {
        let time = now.as_secs();
        if time < self.not_before {
            return Err(CertificateError::NotValidYetContext {
                time: now,
                not_before: UnixTime::since_unix_epoch(Duration::from_secs(self.not_before)),
            });
        }
        if time > self.not_after {
            return Err(CertificateError::ExpiredContext {
                time: now,
                not_after: UnixTime::since_unix_epoch(Duration::from_secs(self.not_after)),
            });
        }
        Ok(())
    }
}

/// The validity period of a DER certificate (`None` when it is not an X.509 certificate).
pub fn validity(der: &[u8]) -> Option<Validity> {
    let (0x30, cert, _) = tlv(der)? else {
        return None;
    };
    let (0x30, tbs, _) = tlv(cert)? else {
        return None;
    };
    let (mut tag, _, mut rest) = tlv(tbs)?;
    if tag == 0xa0 {
        // [0] EXPLICIT version
        (tag, _, rest) = tlv(rest)?;
    }
    if tag != 0x02 {
        return None; // serialNumber
    }
    let (0x30, _, rest) = tlv(rest)? else {
        return None; // signature AlgorithmIdentifier
    };
    let (0x30, _, rest) = tlv(rest)? else {
        return None; // issuer
    };
    let (0x30, period, _) = tlv(rest)? else {
        return None;
    };
    let (tag, not_before, rest) = tlv(period)?;
    let not_before = der_time(tag, not_before)?;
    let (tag, not_after, _) = tlv(rest)?;
    let not_after = der_time(tag, not_after)?;
    Some(Validity {
        not_before,
        not_after,
    })
}

/// One DER tag-length-value: (tag, content, rest).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    if rest.len() < len {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    Some((tag, content, rest))
}

/// UTCTime (`YYMMDDHHMMSSZ`, years 1950-2049) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn der_time(tag: u8, bytes: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(bytes).ok()?;
    let digits = text.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match (tag, digits.len()) {
        (0x17, 12) => {
            let yy: i32 = digits[..2].parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &digits[2..])
        }
        (0x18, 14) => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let field = |i: usize| rest[i..i + 2].parse::<u32>().ok();
    let date = chrono::NaiveDate::from_ymd_opt(year, field(0)?, field(2)?)?;
    let time = date.and_hms_opt(field(4)?, field(6)?, field(8)?)?;
    u64::try_from(time.and_utc().timestamp()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_times_parse() {
        assert_eq!(der_time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(der_time(0x17, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(der_time(0x18, b"20000101000000Z"), Some(946_684_800));
        assert_eq!(der_time(0x17, b"20000101000000Z"), None);
        assert_eq!(der_time(0x17, b"701301000000Z"), None);
        assert_eq!(der_time(0x17, b"700101000000"), None);
    }

    #[test]
    fn tlv_reads_long_lengths_and_refuses_short_input() {
        let mut long = vec![0x04, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(7u8, 256));
        let (tag, content, rest) = tlv(&long).expect("tlv");
        assert_eq!((tag, content.len(), rest.len()), (4, 256, 0));
        assert_eq!(tlv(&[0x04, 0x05, 1, 2]), None);
        assert_eq!(tlv(&[0x04, 0x80]), None);
        assert_eq!(validity(b"not a certificate"), None);
    }

    #[test]
    fn validity_check_reports_both_times() {
        let period = Validity {
            not_before: 100,
            not_after: 200,
        };
        let at = |secs| UnixTime::since_unix_epoch(Duration::from_secs(secs));
        assert_eq!(period.check(at(150)), Ok(()));
        assert!(matches!(
            period.check(at(50)),
            Err(CertificateError::NotValidYetContext { not_before, .. }) if not_before.as_secs() == 100
        ));
        assert!(matches!(
            period.check(at(250)),
            Err(CertificateError::ExpiredContext { not_after, .. }) if not_after.as_secs() == 200
        ));
    }
}
