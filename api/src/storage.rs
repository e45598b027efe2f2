//! Where uploaded files live: content-addressed by SHA-256, so the same bytes are stored once.
//! Behind a trait so that an object store can replace the local folder.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;

#[async_trait::async_trait]
pub trait BlobStore: Send + Sync {
    /// Store `bytes` (if not already there) and return their hex SHA-256.
    async fn put(&self, bytes: Vec<u8>) -> std::io::Result<String>;
    /// The bytes stored under `sha256`.
    async fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>>;
    /// Whether bytes are stored under `sha256`, without reading them.
    async fn contains(&self, sha256: &str) -> std::io::Result<bool>;
    /// Remove the bytes stored under `sha256` (nothing when there are none).
    async fn remove(&self, sha256: &str) -> std::io::Result<()>;
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Files under `<data dir>/blobs/<first two hex digits>/<sha256>`.
pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path(&self, sha256: &str) -> std::io::Result<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a SHA-256",
            ));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }
}

#[async_trait::async_trait]
impl BlobStore for LocalBlobStore {
    async fn put(&self, bytes: Vec<u8>) -> std::io::Result<String> {
        let sha = sha256_hex(&bytes);
        let path = self.path(&sha)?;
        tokio::task::spawn_blocking(move || {
            if path.exists() {
                return Ok(());
            }
            let dir = path.parent().expect("blob path has a parent");
            if let Some(root) = dir.parent()
                && !root.exists()
            {
                crate::fsutil::create_private_dir(root)?;
            }
            if !dir.exists() {
                crate::fsutil::create_private_dir(dir)?;
            }
            // Write to a temporary file (0600) and rename, so a crash never leaves half a file.
            let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::now_v7()));
            crate::fsutil::ensure_private_file(&tmp)?;
            let mut f = std::fs::OpenOptions::new().write(true).open(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(sha)
    }

    async fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        let path = self.path(sha256)?;
        tokio::fs::read(path).await
    }

    async fn contains(&self, sha256: &str) -> std::io::Result<bool> {
        tokio::fs::try_exists(self.path(sha256)?).await
    }

    async fn remove(&self, sha256: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(sha256)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn same_bytes_are_stored_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::new(dir.path().to_path_buf());
        let a = store.put(b"%PDF-1.4 hello".to_vec()).await.unwrap();
        let b = store.put(b"%PDF-1.4 hello".to_vec()).await.unwrap();
        assert_eq!(a, b);
        let files: Vec<_> = walk(dir.path());
        assert_eq!(files.len(), 1);
        assert_eq!(store.get(&a).await.unwrap(), b"%PDF-1.4 hello");
        assert!(store.get("../../etc/passwd").await.is_err());
    }

    fn walk(p: &std::path::Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(p).unwrap() {
            let e = e.unwrap().path();
            if e.is_dir() {
                out.extend(walk(&e))
            } else {
                out.push(e)
            }
        }
        out
    }
}
