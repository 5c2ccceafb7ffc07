//! Lenient version parsing for the strings `/version` and `/info` report.
//!
//! What it accepts:
//! - plain releases: `1.1.12`, `v1.7.27`, `docker-v29.5.1`;
//! - pre-releases: `1.0.0-rc93`, `1.2.0-rc.3`, `1.0.0~rc93+ds1` (Debian's `~`), `2.0.0-beta.2`.
//!   A pre-release orders before its release (`1.0.0-rc93 < 1.0.0`);
//! - distribution builds: `1.1.5+ds1`, `1.7.27-0ubuntu1`, `20.10.24+dfsg1`, `1.6.20~ds1`. The
//!   part after the numbers is kept as [`Version::suffix`] and ignored when comparing;
//! - kernels: `6.1.0-18-amd64`, `5.15.0-91-generic`, `5.15.153.1-microsoft-standard-WSL2`.
//!
//! Anything that does not start with a number (`""`, `dev`, `master`) is not a version.

use std::cmp::Ordering;
use std::fmt;

/// A parsed version. Compare with [`Version::cmp_release`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The dotted numbers, e.g. `[1, 1, 12]`.
    pub nums: Vec<u64>,
    /// A pre-release tag, e.g. `rc93` or `rc.3`.
    pub pre: Option<Pre>,
    /// Whatever follows the numbers and the pre-release tag: `+ds1`, `-0ubuntu1`, `-18-amd64`.
    pub suffix: String,
}

/// A pre-release tag: `alpha < beta < rc`, then by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pre {
    pub stage: Stage,
    pub num: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Alpha,
    Beta,
    Rc,
}

impl Stage {
    fn parse(label: &str) -> Option<Stage> {
        match label.to_ascii_lowercase().as_str() {
            "alpha" => Some(Stage::Alpha),
            "beta" => Some(Stage::Beta),
            "rc" => Some(Stage::Rc),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Stage::Alpha => "alpha",
            Stage::Beta => "beta",
            Stage::Rc => "rc",
        }
    }
}

impl Version {
    /// Parse leniently; `None` when the text does not start with a number.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.strip_prefix("docker-").unwrap_or(text);
        let text = text
            .strip_prefix('v')
            .or_else(|| text.strip_prefix('V'))
            .unwrap_or(text);

        let (nums, rest) = split_numbers(text)?;
        let (pre, rest) = split_pre(rest);
        Some(Version {
            nums,
            pre,
            suffix: rest.to_string(),
        })
    }

    /// A build with something after the upstream version (`+ds1`, `-0ubuntu1`, `.el9`...):
    /// usually a distribution package, which may carry backported fixes.
    pub fn has_suffix(&self) -> bool {
        !self.suffix.is_empty()
    }

    /// Compare the release parts (numbers, then pre-release); the suffix is ignored.
    /// Missing numbers count as zero, so `5.8 == 5.8.0`.
    pub fn cmp_release(&self, other: &Version) -> Ordering {
        self.cmp_numbers(other)
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }

    /// Compare the dotted numbers only (`1.3.0-rc.1` equals `1.3.0` here).
    pub fn cmp_numbers(&self, other: &Version) -> Ordering {
        let len = self.nums.len().max(other.nums.len());
        (0..len)
            .map(|i| {
                let a = self.nums.get(i).copied().unwrap_or(0);
                let b = other.nums.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }

    /// The first number (`20` for `20.10.24`).
    pub fn major(&self) -> u64 {
        self.nums.first().copied().unwrap_or(0)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nums: Vec<String> = self.nums.iter().map(u64::to_string).collect();
        f.write_str(&nums.join("."))?;
        if let Some(pre) = self.pre {
            write!(f, "-{}.{}", pre.stage.as_str(), pre.num)?;
        }
        f.write_str(&self.suffix)
    }
}

/// Leading `digits(.digits)*`, and the rest of the text.
fn split_numbers(text: &str) -> Option<(Vec<u64>, &str)> {
    let mut nums = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .find(|ch: char| !ch.is_ascii_digit())
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        nums.push(rest[..end].parse().ok()?);
        rest = &rest[end..];
        match rest.strip_prefix('.') {
            Some(after) if after.starts_with(|ch: char| ch.is_ascii_digit()) => rest = after,
            _ => break,
        }
    }
    (!nums.is_empty()).then_some((nums, rest))
}

/// An optional pre-release tag (`-rc93`, `-rc.3`, `~rc1`, `rc2`, `-beta.1`), and the rest.
fn split_pre(rest: &str) -> (Option<Pre>, &str) {
    let body = rest.strip_prefix(['-', '~', '.', '_']).unwrap_or(rest);
    let label_end = body
        .find(|ch: char| !ch.is_ascii_alphabetic())
        .unwrap_or(body.len());
    let Some(stage) = Stage::parse(&body[..label_end]) else {
        return (None, rest);
    };
    let after_label = &body[label_end..];
    let digits = after_label.strip_prefix('.').unwrap_or(after_label);
    let num_end = digits
        .find(|ch: char| !ch.is_ascii_digit())
        .unwrap_or(digits.len());
    if num_end == 0 {
        // `-rc` with no number: treat as rc0.
        return (Some(Pre { stage, num: 0 }), after_label);
    }
    match digits[..num_end].parse() {
        Ok(num) => (Some(Pre { stage, num }), &digits[num_end..]),
        Err(_) => (None, rest),
    }
}

/// A half-open range of affected versions: `from <= v < fixed`.
///
/// A `from` bound without a pre-release tag includes that release's own pre-releases
/// (`from = 1.3.0` covers `1.3.0-rc.1`): a bug introduced in a release line is present in
/// its release candidates too. A `from` with a tag (`1.0.0-rc93`) is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: Option<&'static str>,
    pub fixed: Option<&'static str>,
}

impl Range {
    /// Affected from `from` (inclusive) up to `fixed` (exclusive).
    pub const fn between(from: &'static str, fixed: &'static str) -> Range {
        Range {
            from: Some(from),
            fixed: Some(fixed),
        }
    }

    /// Every version before `fixed`.
    pub const fn below(fixed: &'static str) -> Range {
        Range {
            from: None,
            fixed: Some(fixed),
        }
    }

    /// Does `v` fall inside? Unparseable bounds never match.
    pub fn contains(&self, v: &Version) -> bool {
        let lower_ok = match self.from.map(Version::parse) {
            None => true,
            Some(None) => return false,
            Some(Some(from)) if from.pre.is_some() => v.cmp_release(&from).is_ge(),
            Some(Some(from)) => v.cmp_numbers(&from).is_ge(),
        };
        let upper_ok = match self.fixed.map(Version::parse) {
            None => true,
            Some(None) => return false,
            Some(Some(fixed)) => v.cmp_release(&fixed).is_lt(),
        };
        lower_ok && upper_ok
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.fixed) {
            (Some(from), Some(fixed)) => write!(f, ">= {from}, < {fixed}"),
            (None, Some(fixed)) => write!(f, "< {fixed}"),
            (Some(from), None) => write!(f, ">= {from}"),
            (None, None) => f.write_str("all versions"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    /// (text, numbers, pre-release, suffix)
    type Shape = (
        &'static str,
        &'static [u64],
        Option<(Stage, u64)>,
        &'static str,
    );

    #[test]
    fn parses_the_shapes_daemons_report() {
        let cases: &[Shape] = &[
            ("1.1.12", &[1, 1, 12], None, ""),
            ("v1.1.12", &[1, 1, 12], None, ""),
            ("docker-v29.5.1", &[29, 5, 1], None, ""),
            ("1.0.0-rc93", &[1, 0, 0], Some((Stage::Rc, 93)), ""),
            ("1.2.0-rc.3", &[1, 2, 0], Some((Stage::Rc, 3)), ""),
            ("1.0.0~rc93+ds1", &[1, 0, 0], Some((Stage::Rc, 93)), "+ds1"),
            ("2.0.0-beta.2", &[2, 0, 0], Some((Stage::Beta, 2)), ""),
            ("1.7.27-0ubuntu1", &[1, 7, 27], None, "-0ubuntu1"),
            ("20.10.24+dfsg1", &[20, 10, 24], None, "+dfsg1"),
            ("1.1.5+ds1-1+deb12u1", &[1, 1, 5], None, "+ds1-1+deb12u1"),
            ("1.6.20~ds1", &[1, 6, 20], None, "~ds1"),
            ("6.1.0-18-amd64", &[6, 1, 0], None, "-18-amd64"),
            ("5.15.0-91-generic", &[5, 15, 0], None, "-91-generic"),
            ("6.8.0-rc1", &[6, 8, 0], Some((Stage::Rc, 1)), ""),
            (
                "5.15.153.1-microsoft-standard-WSL2",
                &[5, 15, 153, 1],
                None,
                "-microsoft-standard-WSL2",
            ),
            ("  1.1.12\n", &[1, 1, 12], None, ""),
        ];
        for (text, nums, pre, suffix) in cases {
            let got = v(text);
            assert_eq!(&got.nums, nums, "{text}");
            assert_eq!(got.pre.map(|p| (p.stage, p.num)), *pre, "{text}");
            assert_eq!(got.suffix, *suffix, "{text}");
        }
    }

    #[test]
    fn non_versions_are_rejected() {
        for text in ["", "   ", "dev", "master", "v", "unknown", "-1.2"] {
            assert!(Version::parse(text).is_none(), "{text:?} should not parse");
        }
    }

    #[test]
    fn ordering_puts_release_candidates_first() {
        let ascending = [
            "1.0.0-rc6",
            "1.0.0-rc7",
            "1.0.0-rc9",
            "1.0.0-rc10",
            "1.0.0-rc93",
            "1.0.0-rc95",
            "1.0.0",
            "1.1.0-rc.1",
            "1.1.0",
            "1.1.11",
            "1.1.12",
            "1.2.0-alpha.1",
            "1.2.0-beta.1",
            "1.2.0-rc.1",
            "1.2.0",
            "1.10.0",
        ];
        for pair in ascending.windows(2) {
            assert_eq!(
                v(pair[0]).cmp_release(&v(pair[1])),
                Ordering::Less,
                "{} < {}",
                pair[0],
                pair[1]
            );
            assert_eq!(v(pair[1]).cmp_release(&v(pair[0])), Ordering::Greater);
        }
    }

    #[test]
    fn suffix_and_padding_do_not_change_the_order() {
        assert_eq!(v("1.1.5+ds1").cmp_release(&v("1.1.5")), Ordering::Equal);
        assert_eq!(
            v("v1.7.27").cmp_release(&v("1.7.27-0ubuntu1")),
            Ordering::Equal
        );
        assert_eq!(v("5.8").cmp_release(&v("5.8.0")), Ordering::Equal);
        assert_eq!(
            v("1.0.0~rc93+ds1").cmp_release(&v("1.0.0-rc93")),
            Ordering::Equal
        );
    }

    #[test]
    fn suffix_marks_distribution_builds() {
        assert!(v("1.1.5+ds1").has_suffix());
        assert!(v("1.7.27-0ubuntu1").has_suffix());
        assert!(!v("1.1.12").has_suffix());
        assert!(!v("1.0.0-rc93").has_suffix());
        assert!(!v("v1.2.0-rc.3").has_suffix());
    }

    #[test]
    fn ranges() {
        let cases: &[(Range, &str, bool)] = &[
            (Range::below("1.0.0-rc7"), "1.0.0-rc6", true),
            (Range::below("1.0.0-rc7"), "1.0.0-rc7", false),
            (Range::below("1.0.0-rc7"), "1.0.0", false),
            (Range::below("1.0.0-rc7"), "0.1.1", true),
            (Range::between("1.0.0-rc93", "1.1.12"), "1.0.0-rc92", false),
            (Range::between("1.0.0-rc93", "1.1.12"), "1.0.0-rc93", true),
            (Range::between("1.0.0-rc93", "1.1.12"), "1.1.11", true),
            (Range::between("1.0.0-rc93", "1.1.12"), "1.1.12-rc.1", true),
            (Range::between("1.0.0-rc93", "1.1.12"), "1.1.12", false),
            // A tagless lower bound takes in that release's candidates.
            (Range::between("1.3.0", "1.3.3"), "1.3.0-rc.1", true),
            (Range::between("1.3.0", "1.3.3"), "1.2.9", false),
            (Range::between("1.4.0", "1.4.0-rc.3"), "1.4.0-rc.2", true),
            (Range::between("1.4.0", "1.4.0-rc.3"), "1.4.0-rc.3", false),
            (Range::between("1.4.0", "1.4.0-rc.3"), "1.4.0", false),
            (Range::between("5.8", "5.10.102"), "5.10.0-18-amd64", true),
            (Range::between("5.8", "5.10.102"), "5.7.19", false),
            (Range::between("5.8", "5.10.102"), "5.10.102", false),
            (
                Range {
                    from: Some("2.1.0"),
                    fixed: None,
                },
                "3.0.0",
                true,
            ),
            (Range::below("not-a-version"), "1.0.0", false),
        ];
        for (range, text, expected) in cases {
            assert_eq!(range.contains(&v(text)), *expected, "{text} in {range}");
        }
    }

    #[test]
    fn display_is_readable() {
        assert_eq!(v("v1.2.0-rc.3").to_string(), "1.2.0-rc.3");
        assert_eq!(v("1.1.5+ds1").to_string(), "1.1.5+ds1");
        assert_eq!(
            Range::between("1.3.0", "1.3.3").to_string(),
            ">= 1.3.0, < 1.3.3"
        );
        assert_eq!(Range::below("1.2.8").to_string(), "< 1.2.8");
    }
}
