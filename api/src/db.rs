//! Connecting to SQLite or PostgreSQL, running migrations, and write transactions that cannot
//! interleave.

use crate::config::Settings;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// Connect to the configured database (creating the SQLite file and its folder if needed:
/// the data folder 0700, the database 0600; SQLite gives its WAL and shared-memory files the
/// database's mode).
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url();
    if url.starts_with("sqlite:") && settings.database_url.is_none() {
        crate::fsutil::create_private_dir(&settings.data_dir)?;
        let file = settings.data_dir.join("mobility.db");
        crate::fsutil::ensure_private_file(&file)?;
        for side in ["mobility.db-wal", "mobility.db-shm"] {
            let side = settings.data_dir.join(side);
            if side.exists() {
                crate::fsutil::restrict(&side, 0o600)?;
            }
        }
    }
    connect_url(&url, settings.db_max_connections).await
}

/// How many copies taken before migrations are kept (the oldest go first).
pub const KEEP_BACKUPS: usize = 3;

/// Apply pending migrations; when the database is the service's own SQLite file and already
/// holds data, first copy it (`VACUUM INTO`, consistent while others read) to
/// `<data dir>/backups/before-migration-<time>.db`, so that an upgrade can be undone by putting
/// the copy back. The last [`KEEP_BACKUPS`] copies are kept.
pub async fn migrate_with_backup(
    db: &DatabaseConnection,
    settings: &Settings,
) -> anyhow::Result<Option<std::path::PathBuf>> {
    let mut copy = None;
    let own_sqlite = settings.database_url.is_none();
    if own_sqlite {
        let pending = Migrator::get_pending_migrations(db).await?;
        let applied = Migrator::get_applied_migrations(db).await?;
        if !pending.is_empty() && !applied.is_empty() {
            let dir = settings.data_dir.join("backups");
            crate::fsutil::create_private_dir(&dir)?;
            let path = dir.join(format!(
                "before-migration-{}.db",
                chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
            ));
            let quoted = path.display().to_string().replace('\'', "''");
            db.execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
                .await?;
            crate::fsutil::restrict(&path, 0o600)?;
            tracing::info!(backup = %path.display(), pending = pending.len(), "database copied before migrating");
            prune_backups(&dir)?;
            copy = Some(path);
        }
    }
    Migrator::up(db, None).await?;
    Ok(copy)
}

fn prune_backups(dir: &std::path::Path) -> std::io::Result<()> {
    let mut copies: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("before-migration-") && n.ends_with(".db"))
        })
        .collect();
    copies.sort();
    let excess = copies.len().saturating_sub(KEEP_BACKUPS);
    for old in &copies[..excess] {
        std::fs::remove_file(old)?;
    }
    Ok(())
}

pub async fn connect_url(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    let db = Database::connect(opts)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    Ok(db)
}

/// A transaction for check-then-act writes: `BEGIN IMMEDIATE` on SQLite (takes the write lock
/// up front, so it never fails half-way with SQLITE_BUSY); on PostgreSQL a normal transaction
/// in which the code takes row locks (`SELECT ... FOR UPDATE`) or relies on unique indexes.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Whether the database is reachable.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_last_copies_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        for t in ["20260101", "20260102", "20260103", "20260104", "20260105"] {
            std::fs::write(dir.path().join(format!("before-migration-{t}.db")), b"x").unwrap();
        }
        std::fs::write(dir.path().join("kept-by-hand.db"), b"x").unwrap();
        super::prune_backups(dir.path()).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "before-migration-20260103.db",
                "before-migration-20260104.db",
                "before-migration-20260105.db",
                "kept-by-hand.db"
            ]
        );
    }
}
