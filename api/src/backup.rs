//! `mobility backup --to DIR` and `mobility restore --from DIR` for the service's own SQLite
//! database and its uploaded files.
//!
//! A backup is taken while the service runs and writes: the database with `VACUUM INTO`, which
//! reads one consistent snapshot (every write committed before it began is in it, none that
//! commits later is half in it); then the uploaded files. Files are written before the rows
//! that name them commit, so every file the snapshot names is on disk by the time the copy of
//! the files starts. The folder gets a `manifest.json` (what, when, how many files, the
//! database's SHA-256), and is private (0700, files 0600).
//!
//! A restore goes into an empty data folder only, checks the copy against its manifest, and
//! runs SQLite's integrity check on the result. PostgreSQL installations use `pg_dump` and
//! `pg_restore` for the database (the README says how) and copy the `blobs` folder.

use crate::config::Settings;
use crate::fsutil::{create_private_dir, restrict};
use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Statement};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const DATABASE: &str = "mobility.db";
const MANIFEST: &str = "manifest.json";
const BLOBS: &str = "blobs";
/// Kept with the backup so that a restored service accepts the tokens it issued before.
const JWT_SECRET: &str = "jwt-secret";

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// The service version that wrote it.
    pub version: String,
    /// When the database snapshot began (RFC 3339, UTC).
    pub taken_at: String,
    /// The SHA-256 of the database copy.
    pub database_sha256: String,
    /// How many uploaded files were copied.
    pub files: usize,
}

/// What a backup or a restore did, for the command to print.
#[derive(Debug)]
pub struct Summary {
    pub folder: PathBuf,
    pub manifest: Manifest,
}

fn own_sqlite(settings: &Settings) -> anyhow::Result<()> {
    if settings.database_url.is_some() {
        bail!(
            "the database is not the service's own SQLite file (MOBILITY_DATABASE_URL is set): back up PostgreSQL with pg_dump --format=custom and copy {} (see the README)",
            settings.data_dir.join(BLOBS).display()
        );
    }
    Ok(())
}

fn is_empty_dir(path: &Path) -> std::io::Result<bool> {
    match std::fs::read_dir(path) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

/// Copy every stored file (`<2 hex>/<sha256>`, never temporary ones) from `from` to `to`.
fn copy_blobs(from: &Path, to: &Path) -> anyhow::Result<usize> {
    create_private_dir(to)?;
    let mut n = 0;
    let Ok(shards) = std::fs::read_dir(from) else {
        return Ok(0);
    };
    for shard in shards {
        let shard = shard?;
        if !shard.file_type()?.is_dir() {
            continue;
        }
        let target = to.join(shard.file_name());
        for file in std::fs::read_dir(shard.path())? {
            let file = file?;
            let name = file.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name.len() != 64 {
                continue;
            }
            if !target.exists() {
                create_private_dir(&target)?;
            }
            let dest = target.join(&*name);
            std::fs::copy(file.path(), &dest)
                .with_context(|| format!("copying {}", file.path().display()))?;
            restrict(&dest, 0o600)?;
            n += 1;
        }
    }
    Ok(n)
}

fn sha256_file(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(crate::storage::sha256_hex(&bytes))
}

/// Take a backup of the running (or stopped) service's data into `to`, which must be empty or
/// not exist.
pub async fn backup(settings: &Settings, to: &Path) -> anyhow::Result<Summary> {
    own_sqlite(settings)?;
    if !is_empty_dir(to)? {
        bail!("{} is not empty: back up into a new folder", to.display());
    }
    let source = settings.data_dir.join(DATABASE);
    if !source.exists() {
        bail!("no database at {}", source.display());
    }
    create_private_dir(to)?;
    let taken_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let db = crate::db::connect_url(&settings.database_url(), 1).await?;
    let copy = to.join(DATABASE);
    let quoted = copy.display().to_string().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
        .await
        .context("copying the database")?;
    db.close().await.ok();
    restrict(&copy, 0o600)?;
    let files = copy_blobs(&settings.data_dir.join(BLOBS), &to.join(BLOBS))?;
    let secret = settings.data_dir.join(JWT_SECRET);
    if secret.exists() {
        std::fs::copy(&secret, to.join(JWT_SECRET))?;
        restrict(&to.join(JWT_SECRET), 0o600)?;
    }
    let manifest = Manifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        taken_at,
        database_sha256: sha256_file(&copy)?,
        files,
    };
    crate::fsutil::write_private(&to.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?)?;
    Ok(Summary {
        folder: to.to_path_buf(),
        manifest,
    })
}

/// Bring a backup back into the configured data folder, which must hold no database and no
/// uploaded files yet. The service must not be running on it.
pub async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<Summary> {
    own_sqlite(settings)?;
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(from.join(MANIFEST))
            .with_context(|| format!("{} has no {MANIFEST}: not a backup", from.display()))?,
    )
    .context("reading the manifest")?;
    let source = from.join(DATABASE);
    if sha256_file(&source)? != manifest.database_sha256 {
        bail!(
            "the database copy in {} does not match its manifest",
            from.display()
        );
    }
    let data = &settings.data_dir;
    if data.join(DATABASE).exists() || !is_empty_dir(&data.join(BLOBS))? {
        bail!(
            "{} already holds a database or uploaded files: restore into an empty data folder",
            data.display()
        );
    }
    create_private_dir(data)?;
    let target = data.join(DATABASE);
    std::fs::copy(&source, &target)?;
    restrict(&target, 0o600)?;
    let files = copy_blobs(&from.join(BLOBS), &data.join(BLOBS))?;
    if files != manifest.files {
        bail!(
            "the backup holds {files} uploaded files, its manifest says {}",
            manifest.files
        );
    }
    let secret = from.join(JWT_SECRET);
    if secret.exists() && !data.join(JWT_SECRET).exists() {
        std::fs::copy(&secret, data.join(JWT_SECRET))?;
        restrict(&data.join(JWT_SECRET), 0o600)?;
    }
    let db = crate::db::connect_url(&settings.database_url(), 1).await?;
    let check = integrity_check(&db).await?;
    db.close().await.ok();
    if check != "ok" {
        bail!("the restored database fails SQLite's integrity check: {check}");
    }
    Ok(Summary {
        folder: data.clone(),
        manifest,
    })
}

/// SQLite's `PRAGMA integrity_check`: `ok`, or what is wrong.
pub async fn integrity_check(db: &impl ConnectionTrait) -> anyhow::Result<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await?;
    let lines: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect();
    Ok(lines.join("; "))
}
