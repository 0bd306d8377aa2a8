//! The chain: each entry's link covers the previous entry's link and every field of its
//! own, so a changed, removed or inserted entry breaks every link after it. Links are
//! sealed with the operator's key when there is one (`seal`). Verification reads the
//! chain in order from where retention restarted it.

use super::seal::{self, AuditKeys, Checked};
use crate::domain::Error;
use crate::server::db::{Backend, Db};
use crate::server::error::OrInternal;
use crate::server::repo::audit::{self as repo, StoredEntry};

/// What an entry's link is computed over: the previous link and the entry's fields as JSON.
fn message(entry: &StoredEntry) -> Vec<u8> {
    let fields = serde_json::to_string(entry).expect("an entry serializes");
    [entry.prev_hash.as_bytes(), b"\n", fields.as_bytes()].concat()
}

/// The link of a new entry, sealed with the process's key when it has one.
pub(super) fn link_hash(entry: &StoredEntry) -> String {
    seal::keys().link(&message(entry))
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// Every link holds: `entries` checked, from `first_seq` (after a retention prune,
    /// where the chain restarts) to the head, whose link is `head_hash`; `sealed` of them
    /// under a key (the rest were written before `AUDIT_KEYS` was set, and only a head
    /// hash kept elsewhere shows whether they were rewritten whole).
    Intact {
        entries: u64,
        sealed: u64,
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

/// Checks the organization's chain with the process's keys: see `verify_with`.
pub async fn verify(db: &Db, org_id: &str) -> Result<Verified, Error> {
    verify_with(db, org_id, seal::keys()).await
}

/// Checks the organization's chain from where it restarts to its head, all of it read in
/// one snapshot (a prune or an append meanwhile is not seen half done).
pub async fn verify_with(db: &Db, org_id: &str, keys: &AuditKeys) -> Result<Verified, Error> {
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
    let (mut entries, mut sealed) = (0, 0);
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
            match keys.check(&hash, &message(&entry)) {
                Checked::Holds { sealed: false } if sealed > 0 => {
                    return broken("it is not sealed, though the entries before it are");
                }
                Checked::Holds { sealed: is_sealed } => sealed += u64::from(is_sealed),
                Checked::Fails if seal::is_sealed(&hash) => {
                    return broken(
                        "its fields were changed after it was written, or AUDIT_KEYS holds \
                         another secret for its key",
                    );
                }
                Checked::Fails => {
                    return broken("its fields were changed after it was written");
                }
                Checked::UnknownKey(id) => {
                    return broken(&format!(
                        "it is sealed with key {id:?}, which AUDIT_KEYS does not hold"
                    ));
                }
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
    // A console with keys seals every chain's newest entry (`seal_unsealed_heads`), so an
    // unsealed head under keys is a chain rewritten without them.
    if !keys.is_empty() && !seal::is_sealed(&head_hash) && head_seq > pruned_seq {
        return Ok(Verified::Broken {
            seq: head_seq,
            reason: "the newest entry is not sealed, though AUDIT_KEYS is set (a console \
                     started with the keys seals every chain)"
                .to_owned(),
        });
    }
    Ok(Verified::Intact {
        entries,
        sealed,
        first_seq: pruned_seq + 1,
        head_hash,
    })
}

/// Refuses to run a process whose keys do not cover every sealed chain: what it recorded
/// would end such a chain unsealed, a tamper alarm for ever after.
pub async fn check_keys_cover_heads(db: &Db) -> Result<(), String> {
    let keys = seal::keys();
    let heads = repo::heads(&db.pool)
        .await
        .map_err(|e| format!("cannot read the audit chains: {e}"))?;
    for (org_id, link) in &heads {
        if seal::is_sealed(link) && keys.is_empty() {
            return Err(format!(
                "the audit log of {org_id} is sealed, but AUDIT_KEYS is not set: set it as on the other console processes"
            ));
        }
        if let Some(id) = keys.foreign_key_of(link) {
            return Err(format!(
                "the audit log of {org_id} is sealed with key {id:?}, which AUDIT_KEYS does not hold: keep it after the new key"
            ));
        }
    }
    Ok(())
}

/// With keys: ends every chain whose newest entry is unsealed (written before the keys
/// were set) with a sealed entry saying so, so that from here on every honest chain
/// ends sealed. Processes starting together seal each chain once. Returns how many.
pub async fn seal_unsealed_heads(db: &Db) -> Result<usize, Error> {
    let Some(key_id) = seal::keys().sealing_id() else {
        return Ok(0);
    };
    let heads = repo::heads(&db.pool)
        .await
        .or_internal("reading the audit chains")?;
    let mut sealed = 0;
    for (org_id, _) in heads.iter().filter(|(_, link)| !seal::is_sealed(link)) {
        let mut tx = db
            .pool
            .begin()
            .await
            .or_internal("sealing an audit chain")?;
        if !repo::lock_unsealed_head(&mut tx, org_id, seal::SEALED)
            .await
            .or_internal("sealing an audit chain")?
        {
            continue;
        }
        let change = super::Change::new(
            crate::domain::audit::AuditAction::AuditSealed,
            super::Target::new("organization", org_id),
        )
        .after(serde_json::json!({ "key": key_id }));
        super::record(&mut tx, org_id, super::By::System, change, db.now()).await?;
        tx.commit().await.or_internal("sealing an audit chain")?;
        sealed += 1;
    }
    Ok(sealed)
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
    fn every_field_and_the_previous_link_change_the_message() {
        let base = message(&entry());
        assert_eq!(base, message(&entry()));
        let mut e = entry();
        e.after_json = Some(r#"{"role":"billing"}"#.into());
        assert_ne!(base, message(&e));
        let mut e = entry();
        e.prev_hash = "00".into();
        assert_ne!(base, message(&e));
        let mut e = entry();
        e.at += 1;
        assert_ne!(base, message(&e));
    }
}
