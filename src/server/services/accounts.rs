//! Signing up and signing in.

use crate::domain::account_links::AccountView;
use crate::domain::{Error, throttle, validation};
use crate::server::db::{Db, is_unique_violation};
use crate::server::error::{OrInternal, internal};
use crate::server::ids::new_id;
use crate::server::password;
use crate::server::repo::{account_links, sign_in_attempts, users, users::UserRow};

pub struct SignUp {
    pub name: String,
    pub email: String,
    pub password: String,
}

/// Ids of what sign-up created.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub user_id: String,
    pub org_id: String,
    pub workspace_id: String,
}

/// A checked sign-up with its password hashed, ready to be written.
pub struct Prepared {
    name: String,
    email: String,
    password_hash: String,
}

pub fn duplicate_email() -> Error {
    Error::conflict(
        "email",
        "An account with this email already exists. Sign in instead.",
    )
}

/// Creates the user, their default organization "<Name>'s Organization" and its
/// "Default" workspace, with the user Admin of both, all in one transaction.
pub async fn sign_up(db: &Db, input: SignUp) -> Result<NewAccount, Error> {
    let prepared = prepare(db, input).await?;
    let mut tx = db.pool.begin().await.or_internal("starting sign-up")?;
    let account = create(&mut tx, prepared, db.now()).await?;
    match tx.commit().await {
        Err(e) if is_unique_violation(&e) => Err(duplicate_email()),
        Err(e) => Err(internal("committing sign-up", e)),
        Ok(()) => Ok(account),
    }
}

/// Checks the input (every bad field named) and hashes the password, before any
/// transaction starts: hashing is slow.
pub async fn prepare(db: &Db, input: SignUp) -> Result<Prepared, Error> {
    let name = validation::person_name("name", &input.name);
    let email = validation::email("email", &input.email);
    let password_ok = validation::new_password("password", &input.password);
    Error::all_valid([
        name.as_ref().err(),
        email.as_ref().err(),
        password_ok.as_ref().err(),
    ])?;
    let (name, email) = (name?, email?);
    // A cheap early answer; the unique index is what actually guarantees it.
    if users::find_by_email(&db.pool, &email)
        .await
        .or_internal("checking the email")?
        .is_some()
    {
        return Err(duplicate_email());
    }
    let password_hash = password::hash(input.password).await?;
    Ok(Prepared {
        name,
        email,
        password_hash,
    })
}

/// Writes the account, its default organization and workspace in `tx`.
pub async fn create(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    prepared: Prepared,
    now: i64,
) -> Result<NewAccount, Error> {
    let Prepared {
        name,
        email,
        password_hash,
    } = prepared;
    let account = NewAccount {
        user_id: new_id("usr"),
        org_id: new_id("org"),
        workspace_id: new_id("ws"),
    };
    let user = UserRow {
        id: account.user_id.clone(),
        email,
        name: name.clone(),
        password_hash,
        last_org_id: Some(account.org_id.clone()),
        last_workspace_id: Some(account.workspace_id.clone()),
        created_at: now,
        email_verified_at: None,
    };
    match users::insert(&mut **tx, &user).await {
        Err(e) if is_unique_violation(&e) => return Err(duplicate_email()),
        other => other.or_internal("inserting a user")?,
    }
    let org = super::orgs::NewOrg {
        org_id: account.org_id.clone(),
        workspace_id: account.workspace_id.clone(),
    };
    let org_name = validation::default_org_name(&name);
    super::orgs::found(tx, &org, &org_name, &account.user_id, None, now).await?;
    Ok(account)
}

/// Checks an email and password, throttled per email and per client address (see
/// `domain::throttle`): past the limit the answer is `TooManyAttempts`, whether or not the
/// email has an account, and no password is hashed.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: String,
    client: &str,
) -> Result<UserRow, Error> {
    let now = db.now();
    let attempt = new_id("att");
    let typed: String = email.trim().to_lowercase().chars().take(254).collect();
    let subjects = [format!("email:{typed}"), format!("ip:{client}")];
    for subject in &subjects {
        sign_in_attempts::insert(&db.pool, &attempt, subject, now)
            .await
            .or_internal("recording a sign-in attempt")?;
    }
    let limit = throttle::SIGN_IN_WINDOWS
        .iter()
        .map(|w| w.1)
        .max()
        .unwrap_or(0) as i64
        + 1;
    let mut wait = None;
    for subject in &subjects {
        let times =
            sign_in_attempts::recent(&db.pool, subject, now - throttle::SIGN_IN_MEMORY_MS, limit)
                .await
                .or_internal("counting sign-in attempts")?;
        wait = wait.max(throttle::retry_after_secs(&times, now));
    }
    let outcome = match wait {
        Some(retry_after_secs) => Err(Error::TooManyAttempts { retry_after_secs }),
        None => check_password(db, email, password).await,
    };
    // A refused attempt is not held against anyone; a successful one neither.
    if !matches!(outcome, Err(Error::BadCredentials)) {
        sign_in_attempts::delete(&db.pool, &attempt)
            .await
            .or_internal("forgetting a sign-in attempt")?;
    }
    outcome
}

/// Checks the signed-in person's current password before a change to the account,
/// throttled as a sign-in; a wrong one is reported on `field`.
pub async fn check_current_password(
    db: &Db,
    user: &UserRow,
    password: String,
    field: &str,
    client: &str,
) -> Result<(), Error> {
    match sign_in(db, &user.email, password, client).await {
        Ok(_) => Ok(()),
        Err(Error::BadCredentials) => {
            Err(Error::invalid(field, "This is not your current password."))
        }
        Err(e) => Err(e),
    }
}

/// Unknown email and wrong password give the same error and take the same time.
async fn check_password(db: &Db, email: &str, password: String) -> Result<UserRow, Error> {
    if password.chars().count() > validation::MAX_PASSWORD {
        return Err(Error::BadCredentials);
    }
    let email = validation::email("email", email).map_err(|_| Error::BadCredentials);
    let user = match &email {
        Ok(email) => users::find_by_email(&db.pool, email)
            .await
            .or_internal("looking up a user")?,
        Err(_) => None,
    };
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    if password::verify(password, stored).await? {
        user.ok_or(Error::BadCredentials)
    } else {
        Err(Error::BadCredentials)
    }
}

/// What the account page shows of `user`.
pub async fn view(db: &Db, user: &UserRow) -> Result<AccountView, Error> {
    let pending_email = account_links::pending_new_email(&db.pool, &user.id, &user.email, db.now())
        .await
        .or_internal("reading a pending change of address")?;
    Ok(AccountView {
        name: user.name.clone(),
        email: user.email.clone(),
        email_verified: user.email_verified_at.is_some(),
        pending_email,
    })
}
