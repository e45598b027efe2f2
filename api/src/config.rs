//! Typed settings: built-in defaults, overridden by an optional `mobility.toml`, overridden
//! by `MOBILITY_*` environment variables (figment). Each key is written once, as a field of
//! [`Settings`] with its default in [`Settings::default`]; its environment variable is
//! `MOBILITY_` and the field's name in capitals. Secrets are [`SecretString`]s: they never
//! print, in `Debug` or in a log line.

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}
/// The default of `MOBILITY_UPLOAD_MAX_BYTES`: 10 MiB.
pub const DEFAULT_UPLOAD_MAX_BYTES: usize = 10 * 1024 * 1024;

/// The prefix of every setting's environment variable.
pub const ENV_PREFIX: &str = "MOBILITY_";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on.
    pub bind: String,
    /// Where the SQLite database, the generated JWT secret and uploads live.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; default: `<data_dir>/mobility.db`.
    pub database_url: Option<String>,
    /// HS256 secret, at least 32 bytes; default: generated once into `<data_dir>/jwt-secret`.
    #[serde(default, skip_serializing)]
    pub jwt_secret: Option<SecretString>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl_seconds: i64,
    pub refresh_token_ttl_days: i64,
    /// The first admin, created on a database without one.
    pub admin_email: Option<String>,
    #[serde(default, skip_serializing)]
    pub admin_password: Option<SecretString>,
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `mobility_api=debug,info`.
    pub log_level: String,
    pub db_max_connections: u32,
    /// Seconds to let in-flight requests finish after SIGTERM.
    pub shutdown_timeout_seconds: u64,
    /// Largest accepted upload, in bytes.
    pub upload_max_bytes: usize,
    /// Browser origins allowed to call the API (CORS), comma-separated, e.g.
    /// `http://localhost:5173,https://app.example.org`; `*` for any; empty: none (off).
    pub cors_origins: String,
    /// Serve Prometheus metrics at `/metrics` (no token: expose it to the monitoring network
    /// only).
    pub metrics: bool,
    /// Days the event log (`GET /api/v1/events`, webhooks) keeps an event.
    pub event_retention_days: i64,
    /// Days a sent e-mail keeps its text in the outbox (the record that it was sent stays).
    pub mail_retention_days: i64,
    /// Seconds between runs of the background work (event retention, webhook deliveries,
    /// e-mail, reminders).
    pub jobs_interval_seconds: u64,
    /// Let webhooks go to loopback, private and link-local addresses (a receiver on the same
    /// network); off, they are refused.
    pub webhook_allow_private_addresses: bool,
    /// Send the outbox by SMTP: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host`; unset, messages stay queued (visible in the outbox).
    #[serde(default, skip_serializing)]
    pub smtp_url: Option<SecretString>,
    /// The sender of e-mail, e.g. `Erasmus+ ZSK <mobilnost@zdruzenje-knjiznic.si>`.
    pub mail_from: String,
    /// Failed logins an account may have before it waits (429 with `Retry-After`).
    pub login_attempts_per_account: u32,
    /// Seconds after which a throttled account gets one more attempt.
    pub login_account_refill_seconds: u64,
    /// Failed logins one client address may have, across accounts, before it waits.
    pub login_attempts_per_address: u32,
    /// Seconds after which a throttled address gets one more attempt.
    pub login_address_refill_seconds: u64,
    /// Years after a project ends that the records an Erasmus+ audit may ask for (signed
    /// agreements, costs, participant reports, the participant's name) are kept, also when
    /// the person asks for erasure.
    pub record_retention_years: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            jwt_secret: None,
            jwt_issuer: "mobility".into(),
            jwt_audience: "mobility-api".into(),
            access_token_ttl_seconds: 900,
            refresh_token_ttl_days: 30,
            admin_email: None,
            admin_password: None,
            log_format: LogFormat::Pretty,
            log_level: "info".into(),
            db_max_connections: 10,
            shutdown_timeout_seconds: 30,
            upload_max_bytes: DEFAULT_UPLOAD_MAX_BYTES,
            cors_origins: String::new(),
            metrics: false,
            event_retention_days: 90,
            mail_retention_days: 365,
            jobs_interval_seconds: 30,
            webhook_allow_private_addresses: false,
            smtp_url: None,
            mail_from: "Erasmus+ mobility <no-reply@localhost>".into(),
            login_attempts_per_account: 5,
            login_account_refill_seconds: 60,
            login_attempts_per_address: 30,
            login_address_refill_seconds: 10,
            record_retention_years: 5,
        }
    }
}

/// The `MOBILITY_*` variables that name a setting, as text: a value is read as what its key
/// takes (`2048` a number for `upload_max_bytes`, text for a password), never guessed from its
/// look (figment's own `Env` would read `012345` as a number and `true` as a boolean, which a
/// password may well be). Empty variables count as unset.
struct EnvText;

impl figment::Provider for EnvText {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named("environment variable")
            .interpolater(|_, path| format!("{ENV_PREFIX}{}", path.join("_").to_uppercase()))
    }

    fn data(
        &self,
    ) -> Result<figment::value::Map<figment::Profile, figment::value::Dict>, figment::Error> {
        let mut dict = figment::value::Dict::new();
        for key in Settings::keys() {
            if let Ok(v) = std::env::var(format!("{ENV_PREFIX}{}", key.to_uppercase()))
                && !v.trim().is_empty()
            {
                dict.insert(key.to_string(), figment::value::Value::from(v));
            }
        }
        Ok(figment::Profile::Default.collect(dict))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration: {0}")]
    Load(Box<figment::Error>),
    #[error("{0}")]
    Invalid(String),
}

impl Settings {
    /// Every key, as the file writes it (`bind`); `MOBILITY_` + capitals in the environment.
    pub fn keys() -> &'static [&'static str] {
        serde_aux::serde_introspection::serde_introspect::<Settings>()
    }

    /// Defaults < `file` (if it exists; `mobility.toml` when `None`) < environment. Empty
    /// environment variables count as unset; `MOBILITY_*` variables that are not settings
    /// (such as `MOBILITY_TEST_DATABASE_URL`) are left alone.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let explicit = file.is_some();
        let path = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("mobility.toml"));
        if explicit && let Err(source) = std::fs::metadata(&path) {
            return Err(ConfigError::Read { path, source });
        }
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if explicit || path.exists() {
            figment = figment.merge(Toml::file_exact(&path));
        }
        let s: Settings = figment
            .merge(EnvText)
            .extract_lossy()
            .map_err(|e| ConfigError::Load(Box::new(e)))?;
        s.check()?;
        Ok(s)
    }

    /// The rules across settings, as `load` applies them.
    pub fn check(&self) -> Result<(), ConfigError> {
        if let Some(secret) = &self.jwt_secret
            && secret.expose_secret().len() < 32
        {
            return Err(ConfigError::Invalid(format!(
                "MOBILITY_JWT_SECRET is {} bytes long; it must be at least 32 bytes (or unset, to have one generated in the data directory)",
                secret.expose_secret().len()
            )));
        }
        if self.access_token_ttl_seconds < 30 {
            return Err(ConfigError::Invalid(
                "access_token_ttl_seconds must be at least 30".into(),
            ));
        }
        if self.refresh_token_ttl_days < 1 {
            return Err(ConfigError::Invalid(
                "refresh_token_ttl_days must be at least 1".into(),
            ));
        }
        if self.upload_max_bytes < 1024 {
            return Err(ConfigError::Invalid(
                "upload_max_bytes must be at least 1024".into(),
            ));
        }
        if self.event_retention_days < 1 {
            return Err(ConfigError::Invalid(
                "event_retention_days must be at least 1".into(),
            ));
        }
        if self.mail_retention_days < 1 {
            return Err(ConfigError::Invalid(
                "mail_retention_days must be at least 1".into(),
            ));
        }
        if self.jobs_interval_seconds < 1 {
            return Err(ConfigError::Invalid(
                "jobs_interval_seconds must be at least 1".into(),
            ));
        }
        if self.db_max_connections < 1 {
            return Err(ConfigError::Invalid(
                "db_max_connections must be at least 1".into(),
            ));
        }
        if let Some(bad) = self
            .cors_origins()
            .into_iter()
            .find(|o| !crate::http::cors::is_origin(o))
        {
            return Err(ConfigError::Invalid(format!(
                "MOBILITY_CORS_ORIGINS holds `{bad}`, which is not an origin such as http://localhost:5173 (scheme, host and port only) or `*`"
            )));
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Invalid(format!(
                "MOBILITY_MAIL_FROM is `{}`, which is not an address such as `Name <name@example.org>`",
                self.mail_from
            )));
        }
        if let Some(url) = &self.smtp_url
            && let Err(e) =
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url.expose_secret())
        {
            return Err(ConfigError::Invalid(format!(
                "MOBILITY_SMTP_URL is not an SMTP URL (smtp://host:port or smtps://user:password@host): {e}"
            )));
        }
        if self.admin_email.is_some() != self.admin_password.is_some() {
            return Err(ConfigError::Invalid(
                "MOBILITY_ADMIN_EMAIL and MOBILITY_ADMIN_PASSWORD must be set together".into(),
            ));
        }
        Ok(())
    }

    /// The allowed CORS origins; empty: CORS is off.
    pub fn cors_origins(&self) -> Vec<String> {
        self.cors_origins
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_string())
            .filter(|o| !o.is_empty())
            .collect()
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("mobility.db").display()
            ),
        }
    }
}

#[cfg(test)]
// `Jail` closures return figment's own (large) error type; its API decides that, not this code.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    fn load(jail: &mut Jail, file_text: Option<&str>) -> Result<Settings, ConfigError> {
        if let Some(t) = file_text {
            jail.create_file("mobility.toml", t).unwrap();
        }
        Settings::load(None)
    }

    #[test]
    fn defaults_then_file_then_environment() {
        Jail::expect_with(|jail| {
            let s = load(jail, None).unwrap();
            assert_eq!(s.bind, "127.0.0.1:8080");
            assert_eq!(s.data_dir, PathBuf::from("./data"));
            assert!(s.database_url().starts_with("sqlite://./data/mobility.db"));
            let s = load(jail, Some("bind = \"0.0.0.0:9000\"\nlog_level = \"debug\"")).unwrap();
            assert_eq!(s.bind, "0.0.0.0:9000");
            assert_eq!(s.log_level, "debug");
            jail.set_env("MOBILITY_BIND", "127.0.0.1:1");
            jail.set_env("MOBILITY_LOG_LEVEL", "");
            jail.set_env("MOBILITY_UPLOAD_MAX_BYTES", "2048");
            jail.set_env("MOBILITY_NOT_A_SETTING", "x");
            let s = load(jail, None).unwrap();
            assert_eq!(s.bind, "127.0.0.1:1");
            // Empty is unset: the file's value stays.
            assert_eq!(s.log_level, "debug");
            assert_eq!(s.upload_max_bytes, 2048);
            Ok(())
        });
    }

    #[test]
    fn short_jwt_secret_is_refused() {
        Jail::expect_with(|jail| {
            jail.set_env("MOBILITY_JWT_SECRET", "too-short");
            let err = load(jail, None).unwrap_err();
            assert!(err.to_string().contains("at least 32 bytes"), "{err}");
            jail.set_env("MOBILITY_JWT_SECRET", "x".repeat(32));
            assert!(load(jail, None).is_ok());
            Ok(())
        });
    }

    #[test]
    fn numeric_looking_secrets_stay_text_and_bad_values_are_named() {
        Jail::expect_with(|jail| {
            jail.set_env("MOBILITY_ADMIN_EMAIL", "a@b.si");
            jail.set_env("MOBILITY_ADMIN_PASSWORD", "012345678901");
            jail.set_env("MOBILITY_JWT_SECRET", format!("true{}", "0".repeat(40)));
            let s = load(jail, None).unwrap();
            assert_eq!(
                s.admin_password
                    .as_ref()
                    .map(|p| p.expose_secret().to_string()),
                // A leading zero does not survive a number; it must stay text.
                Some("012345678901".to_string())
            );
            jail.set_env("MOBILITY_LOG_FORMAT", "xml");
            let err = load(jail, None).unwrap_err();
            assert!(err.to_string().contains("MOBILITY_LOG_FORMAT"), "{err}");
            Ok(())
        });
        Jail::expect_with(|jail| {
            let err = load(jail, Some("unknown_key = 1")).unwrap_err();
            assert!(err.to_string().contains("unknown field"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn secrets_never_print() {
        let s = Settings {
            jwt_secret: Some(SecretString::from("a-very-secret-signing-key-of-32-bytes!")),
            admin_password: Some(SecretString::from("hunter2-hunter2")),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        assert!(!shown.contains("a-very-secret"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    /// The README's configuration table names every key, and no key that is not one.
    #[test]
    fn the_readme_documents_every_key() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
        let section = readme
            .split("## Configuration")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .expect("a Configuration section");
        for key in Settings::keys() {
            let var = format!("`{ENV_PREFIX}{}`", key.to_uppercase());
            assert!(section.contains(&var), "README lacks {var}");
        }
        for word in section.split('`') {
            if let Some(rest) = word.strip_prefix(ENV_PREFIX)
                && !rest.is_empty()
                && rest.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                && rest != "CONFIG"
            {
                assert!(
                    Settings::keys().contains(&rest.to_lowercase().as_str()),
                    "README names {word}, which is not a setting"
                );
            }
        }
    }
}
