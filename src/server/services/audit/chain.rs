//! The chain: each entry's hash covers the previous entry's hash and every field of its
//! own, so a changed, removed or inserted entry breaks every link after it. Verification
//! reads the chain in order from where retention restarted it.

use crate::domain::Error;
use crate::server::db::{Backend, Db};
use crate::server::error::OrInternal;
use crate::server::repo::audit::{self as repo, StoredEntry};
use sha2::{Digest, Sha256};

/// SHA-256 over the previous link's hash and the entry's fields as JSON, in hex.
pub(super) fn link_hash(entry: &StoredEntry) -> String {
    let fields = serde_json::to_string(entry).expect("an entry serializes");
    let mut hasher = Sha256::new();
    hasher.update(entry.prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(fields.as_bytes());
    hex::encode(hasher.finalize())
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// Every link holds: `entries` checked, from `first_seq` (after a retention prune,
    /// where the chain restarts) to the head, whose hash is `head_hash`. Kept elsewhere, a
    /// head hash shows later whether the chain up to it was rewritten whole.
    Intact {
        entries: u64,
        first_seq: i64,
        head_hash: String,
    },
    /// The first entry whose link does not hold, and why.
    Broken { seq: i64, reason: String },
    /// The organization has no audit log yet.
    Empty,
}

/// Rows read at a time.
const BATCH: i64 = 1_000;

/// Checks the organization's chain from where it restarts to its head, all of it read in
/// one snapshot (a prune or an append meanwhile is not seen half done).
pub async fn verify(db: &Db, org_id: &str) -> Result<Verified, Error> {
    let mut tx = db
        .pool
        .begin()
        .await
        .or_internal("reading the audit chain")?;
    if db.backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await
            .or_internal("reading the audit chain")?;
    }
    let Some((head_seq, head_hash, pruned_seq, pruned_hash)) =
        repo::head(&mut *tx, org_id)
            .await
            .or_internal("reading the audit head")?
    else {
        let orphans = repo::any_entry(&mut *tx, org_id)
            .await
            .or_internal("reading the audit chain")?;
        return Ok(match orphans {
            true => Verified::Broken {
                seq: 1,
                reason: "the chain's head is missing".to_owned(),
            },
            false => Verified::Empty,
        });
    };
    let (mut expected_seq, mut prev) = (pruned_seq + 1, pruned_hash);
    let mut entries = 0;
    loop {
        let batch = repo::chain_after(&mut *tx, org_id, expected_seq - 1, BATCH)
            .await
            .or_internal("reading the audit chain")?;
        // Entries appended since the head was read are not this check's.
        let done = (batch.len() as i64) < BATCH || batch.iter().any(|(e, _)| e.seq > head_seq);
        for (entry, hash) in batch.into_iter().filter(|(e, _)| e.seq <= head_seq) {
            let broken = |reason: &str| {
                Ok(Verified::Broken {
                    seq: expected_seq,
                    reason: reason.to_owned(),
                })
            };
            if entry.seq != expected_seq {
                return broken("the entry is missing");
            }
            if entry.prev_hash != prev {
                return broken("it does not follow the entry before it");
            }
            if link_hash(&entry) != hash {
                return broken("its fields were changed after it was written");
            }
            prev = hash;
            expected_seq += 1;
            entries += 1;
        }
        if done {
            break;
        }
    }
    if expected_seq - 1 != head_seq || prev != head_hash {
        return Ok(Verified::Broken {
            seq: expected_seq,
            reason: "the entries after it are missing".to_owned(),
        });
    }
    Ok(Verified::Intact {
        entries,
        first_seq: pruned_seq + 1,
        head_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> StoredEntry {
        StoredEntry {
            org_id: "org_1".into(),
            seq: 1,
            at: 1_000,
            actor_kind: "person".into(),
            actor_id: Some("usr_1".into()),
            actor_label: "a@example.com".into(),
            action: "member.role_changed".into(),
            target_kind: "member".into(),
            target_id: "usr_2".into(),
            target_label: "b@example.com".into(),
            workspace_id: None,
            before_json: Some(r#"{"role":"member"}"#.into()),
            after_json: Some(r#"{"role":"admin"}"#.into()),
            client_ip: Some("127.0.0.1".into()),
            user_agent: None,
            request_id: Some("abcd".into()),
            prev_hash: String::new(),
        }
    }

    #[test]
    fn every_field_and_the_previous_link_change_the_hash() {
        let base = link_hash(&entry());
        assert_eq!(base, link_hash(&entry()));
        let mut e = entry();
        e.after_json = Some(r#"{"role":"billing"}"#.into());
        assert_ne!(base, link_hash(&e));
        let mut e = entry();
        e.prev_hash = "00".into();
        assert_ne!(base, link_hash(&e));
        let mut e = entry();
        e.at += 1;
        assert_ne!(base, link_hash(&e));
    }
}
