//! Which names hold secrets: environment variables, labels, options (`--password`), map
//! keys of the inspect document (`LogConfig.Config.splunk-token`).

/// Name parts (the name split at `_`, `-`, `.` and spaces, upper-cased) that mark a secret.
const SECRET_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PASSPHRASE",
    "PWD",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "KEY",
    "APIKEY",
    "PRIVKEY",
    "PRIVATEKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CRED",
    "CREDS",
    "AUTH",
    "PRIVATE",
    "CERT",
    "SIGNATURE",
    "SIG",
    "SIGNING",
    "SALT",
    "SESSION",
    "COOKIE",
    "DSN",
    "CONNECTIONSTRING",
    "CONNSTR",
    // Secret keys of payment and cloud APIs (`STRIPE_SK`, `LIVE_SK`).
    "SK",
];

/// Fragments that mark a secret even glued to other words (`DBPASSWORD`, `GITHUBTOKEN`,
/// `GPGPASSPHRASE`, `SSHPRIVKEY`).
const SECRET_FRAGMENTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "PRIVKEY",
    "PRIVATEKEY",
    "CREDENTIAL",
    "CONNECTIONSTRING",
];

/// Glued endings that mark a secret key (`AccountKey`, `SharedAccessKey`, `MasterKey`) but
/// not a name that merely contains them (`SharedAccessKeyName`).
const SECRET_ENDINGS: &[&str] = &[
    "ACCESSKEY",
    "ACCOUNTKEY",
    "MASTERKEY",
    "AUTHKEY",
    "SIGNINGKEY",
    "ENCRYPTIONKEY",
    "SHAREDKEY",
    // `basicauth.users`, `OAUTH`.
    "AUTH",
];

/// Does a variable, label or option with this name probably hold a secret?
/// Case-insensitive; leading dashes are ignored (`--db-password`).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.trim_start_matches('-').to_ascii_uppercase();
    // `PWD` is the shell's working directory, not a password.
    if upper == "PWD" || upper == "OLDPWD" {
        return false;
    }
    upper
        .split(['_', '-', '.', ' ', '/', ':'])
        .filter(|p| !p.is_empty())
        .any(|part| {
            SECRET_PARTS.contains(&part)
                || SECRET_FRAGMENTS.iter().any(|w| part.contains(w))
                || SECRET_ENDINGS.iter().any(|w| part.ends_with(w))
        })
}

/// Last name parts of an option that names a secret but takes no secret as its value
/// (`--password-stdin`, `--token-file PATH`, `--password-fd 3`).
const NOT_A_VALUE: &[&str] = &[
    "STDIN", "FILE", "PATH", "FD", "ENV", "DIR", "PROMPT", "CMD", "COMMAND", "LENGTH", "LEN",
    "TTL", "TIMEOUT", "EXPIRY", "TYPE",
];

/// Does the option `flag` (`--password`, `--api-token`) take a secret as its next argument?
pub fn flag_takes_secret(flag: &str) -> bool {
    let bare = flag.trim_start_matches('-');
    if bare.is_empty() || !flag.starts_with('-') || !is_secret_name(bare) {
        return false;
    }
    let upper = bare.to_ascii_uppercase();
    let last = upper.rsplit(['_', '-', '.']).next().unwrap_or("");
    !NOT_A_VALUE.contains(&last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised() {
        for name in [
            "DB_PASSWORD",
            "POSTGRES_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "API_TOKEN",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "STRIPE_API_KEY",
            "client-secret",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "DBPASSWORD",
            "SENTRY_DSN",
            "private.key",
            "APP_PASSPHRASE",
            "GPGPASSPHRASE",
            "STRIPE_SK",
            "SSH_PRIVKEY",
            "SSHPRIVKEY",
            "JWT_SIGNING",
            "db.password",
            "--password",
            "splunk-token",
            "AccountKey",
            "SharedAccessKey",
        ] {
            assert!(is_secret_name(name), "{name} should be secret");
        }
        for name in [
            "PATH",
            "HOME",
            "PWD",
            "LANG",
            "KEYBOARD_LAYOUT",
            "TZ",
            "HOSTNAME",
            "TASK_ID",
            "SKIP",
            "com.docker.compose.project",
            "SandboxKey",
            "SharedAccessKeyName",
        ] {
            assert!(!is_secret_name(name), "{name} should not be secret");
        }
    }

    #[test]
    fn options_that_take_no_secret_value() {
        for flag in [
            "--password",
            "--token",
            "--api-key",
            "-password",
            "--db-pass",
        ] {
            assert!(flag_takes_secret(flag), "{flag}");
        }
        for flag in [
            "--password-stdin",
            "--password-file",
            "--token-file",
            "--password-fd",
            "--port",
            "password",
            "-",
        ] {
            assert!(!flag_takes_secret(flag), "{flag}");
        }
    }
}
