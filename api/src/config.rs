//! Typed settings: built-in defaults, overridden by an optional `mobility.toml`, overridden
//! by `MOBILITY_*` environment variables.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}
/// The default of `MOBILITY_UPLOAD_MAX_BYTES`: 10 MiB.
pub const DEFAULT_UPLOAD_MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on (`MOBILITY_BIND`).
    pub bind: String,
    /// Where the SQLite database, the generated JWT secret and uploads live (`MOBILITY_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; default: `<data_dir>/mobility.db` (`MOBILITY_DATABASE_URL`).
    pub database_url: Option<String>,
    /// HS256 secret, at least 32 bytes; default: generated once into `<data_dir>/jwt-secret`.
    pub jwt_secret: Option<String>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl_seconds: i64,
    pub refresh_token_ttl_days: i64,
    /// The first admin, created on a database without one.
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `mobility_api=debug,info` (`MOBILITY_LOG_LEVEL`).
    pub log_level: String,
    pub db_max_connections: u32,
    /// Seconds to let in-flight requests finish after SIGTERM.
    pub shutdown_timeout_seconds: u64,
    /// Largest accepted upload, in bytes (`MOBILITY_UPLOAD_MAX_BYTES`).
    pub upload_max_bytes: usize,
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
        }
    }
}

/// The same keys as [`Settings`], all optional: one layer of overrides.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Layer {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    jwt_secret: Option<String>,
    jwt_issuer: Option<String>,
    jwt_audience: Option<String>,
    access_token_ttl_seconds: Option<i64>,
    refresh_token_ttl_days: Option<i64>,
    admin_email: Option<String>,
    admin_password: Option<String>,
    log_format: Option<LogFormat>,
    log_level: Option<String>,
    db_max_connections: Option<u32>,
    shutdown_timeout_seconds: Option<u64>,
    upload_max_bytes: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("invalid value for {var}: {message}")]
    Env { var: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

impl Settings {
    /// Defaults < `file` (if it exists; `mobility.toml` when `None`) < environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, |k| std::env::var(k).ok())
    }

    /// As [`Settings::load`], with the environment given as a lookup function.
    pub fn load_from(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut s = Settings::default();
        let explicit = file.is_some();
        let path = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("mobility.toml"));
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let layer: Layer = toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.clone(),
                    source,
                })?;
                s.apply(layer);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {}
            Err(source) => return Err(ConfigError::Read { path, source }),
        }
        s.apply(env_layer(&env)?);
        s.check()?;
        Ok(s)
    }

    fn apply(&mut self, l: Layer) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = l.$f { self.$f = v; } )* };
        }
        macro_rules! set_opt {
            ($($f:ident),*) => { $( if l.$f.is_some() { self.$f = l.$f; } )* };
        }
        set!(
            bind,
            data_dir,
            jwt_issuer,
            jwt_audience,
            access_token_ttl_seconds,
            refresh_token_ttl_days,
            log_format,
            log_level,
            db_max_connections,
            shutdown_timeout_seconds,
            upload_max_bytes
        );
        set_opt!(database_url, jwt_secret, admin_email, admin_password);
    }

    fn check(&self) -> Result<(), ConfigError> {
        if let Some(secret) = &self.jwt_secret
            && secret.len() < 32
        {
            return Err(ConfigError::Invalid(format!(
                "MOBILITY_JWT_SECRET is {} bytes long; it must be at least 32 bytes (or unset, to have one generated in the data directory)",
                secret.len()
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
        if self.db_max_connections < 1 {
            return Err(ConfigError::Invalid(
                "db_max_connections must be at least 1".into(),
            ));
        }
        if self.admin_email.is_some() != self.admin_password.is_some() {
            return Err(ConfigError::Invalid(
                "MOBILITY_ADMIN_EMAIL and MOBILITY_ADMIN_PASSWORD must be set together".into(),
            ));
        }
        Ok(())
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

fn env_layer(env: &impl Fn(&str) -> Option<String>) -> Result<Layer, ConfigError> {
    fn num<T: std::str::FromStr>(var: &str, v: Option<String>) -> Result<Option<T>, ConfigError> {
        v.map(|s| {
            s.trim().parse::<T>().map_err(|_| ConfigError::Env {
                var: var.into(),
                message: format!("`{s}` is not a number"),
            })
        })
        .transpose()
    }
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    let log_format = match get("MOBILITY_LOG_FORMAT").as_deref() {
        None => None,
        Some("pretty") => Some(LogFormat::Pretty),
        Some("json") => Some(LogFormat::Json),
        Some(other) => {
            return Err(ConfigError::Env {
                var: "MOBILITY_LOG_FORMAT".into(),
                message: format!("`{other}` is neither `pretty` nor `json`"),
            });
        }
    };
    Ok(Layer {
        bind: get("MOBILITY_BIND"),
        data_dir: get("MOBILITY_DATA_DIR").map(PathBuf::from),
        database_url: get("MOBILITY_DATABASE_URL"),
        jwt_secret: get("MOBILITY_JWT_SECRET"),
        jwt_issuer: get("MOBILITY_JWT_ISSUER"),
        jwt_audience: get("MOBILITY_JWT_AUDIENCE"),
        access_token_ttl_seconds: num(
            "MOBILITY_ACCESS_TOKEN_TTL_SECONDS",
            get("MOBILITY_ACCESS_TOKEN_TTL_SECONDS"),
        )?,
        refresh_token_ttl_days: num(
            "MOBILITY_REFRESH_TOKEN_TTL_DAYS",
            get("MOBILITY_REFRESH_TOKEN_TTL_DAYS"),
        )?,
        admin_email: get("MOBILITY_ADMIN_EMAIL"),
        admin_password: get("MOBILITY_ADMIN_PASSWORD"),
        log_format,
        log_level: get("MOBILITY_LOG_LEVEL"),
        db_max_connections: num(
            "MOBILITY_DB_MAX_CONNECTIONS",
            get("MOBILITY_DB_MAX_CONNECTIONS"),
        )?,
        shutdown_timeout_seconds: num(
            "MOBILITY_SHUTDOWN_TIMEOUT_SECONDS",
            get("MOBILITY_SHUTDOWN_TIMEOUT_SECONDS"),
        )?,
        upload_max_bytes: num(
            "MOBILITY_UPLOAD_MAX_BYTES",
            get("MOBILITY_UPLOAD_MAX_BYTES"),
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(file_text: Option<&str>, env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let dir = std::env::temp_dir().join(format!("mobility-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("mobility.toml");
        if let Some(t) = file_text {
            std::fs::write(&path, t).unwrap();
        }
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let explicit = file_text.map(|_| path.as_path());
        Settings::load_from(explicit, |k| env.get(k).cloned())
    }

    #[test]
    fn defaults_then_file_then_environment() {
        let s = load(None, &[]).unwrap();
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.data_dir, PathBuf::from("./data"));
        assert!(s.database_url().starts_with("sqlite://./data/mobility.db"));
        let s = load(Some("bind = \"0.0.0.0:9000\"\nlog_level = \"debug\""), &[]).unwrap();
        assert_eq!(s.bind, "0.0.0.0:9000");
        assert_eq!(s.log_level, "debug");
        let s = load(
            Some("bind = \"0.0.0.0:9000\""),
            &[("MOBILITY_BIND", "127.0.0.1:1")],
        )
        .unwrap();
        assert_eq!(s.bind, "127.0.0.1:1");
    }

    #[test]
    fn short_jwt_secret_is_refused() {
        let err = load(None, &[("MOBILITY_JWT_SECRET", "too-short")]).unwrap_err();
        assert!(err.to_string().contains("at least 32 bytes"), "{err}");
        assert!(load(None, &[("MOBILITY_JWT_SECRET", &"x".repeat(32))]).is_ok());
    }

    #[test]
    fn numeric_looking_passwords_stay_text_and_bad_values_are_named() {
        let s = load(
            None,
            &[
                ("MOBILITY_ADMIN_EMAIL", "a@b.si"),
                ("MOBILITY_ADMIN_PASSWORD", "123456789012"),
            ],
        )
        .unwrap();
        assert_eq!(s.admin_password.as_deref(), Some("123456789012"));
        let err = load(None, &[("MOBILITY_LOG_FORMAT", "xml")]).unwrap_err();
        assert!(err.to_string().contains("MOBILITY_LOG_FORMAT"));
        let err = load(Some("unknown_key = 1"), &[]).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }
}
