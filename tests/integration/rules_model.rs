//! A model of the rules, tested: generated sequences of invite, accept, revoke, resend,
//! change role, remove, archive and create key, run against the console and against a plain
//! model of what each should do. After every step: the members and their roles are the
//! model's; every organization has an Admin; members plus pending invitations never exceed
//! the seats; every change wrote exactly one audit entry and a refused one none; nothing
//! reached another organization; a removed member's session and keys do nothing. At the
//! end the audit chain verifies. Sequences come from proptest, seeded, so a failure repeats.

use crate::common;

use common::{Account, TestApp, account};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::BTreeMap;
use studio_console::api::api_keys::CreateApiKey;
use studio_console::api::invitations::AcceptInvitation;
use studio_console::api::members::{
    ChangeMemberRole, GetInvitationLink, RemoveMember, ResendInvitation, RevokeInvitation,
    SendInvitations,
};
use studio_console::api::shell::LoadShell;
use studio_console::api::workspaces::{ArchiveWorkspace, CreateWorkspace, UnarchiveWorkspace};
use studio_console::domain::api_keys::CreatedKey;
use studio_console::domain::invitations::FreshLink;
use studio_console::server::services::audit::{self, Verified};

backend_tests!(generated_sequences_keep_the_rules);

/// People besides the founder, who may be invited, join, change role and leave.
const PEOPLE: usize = 4;
const SEATS: i64 = 4;
/// How many times an invitation may be sent again (`INVITE_RESENDS`, lowered so that the
/// limit is reached in the sequences).
const RESENDS: u32 = 1;
const CASES: u32 = 8;
const STEPS: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Admin,
    Billing,
    Member,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Billing => "billing",
            Role::Member => "member",
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Invite(usize, Role),
    /// The k-th pending invitation.
    Accept(usize),
    Revoke(usize),
    Resend(usize),
    /// The k-th member.
    ChangeRole(usize, Role),
    Remove(usize),
    /// By the k-th member.
    ToggleArchive,
    CreateKey(usize),
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![Just(Role::Admin), Just(Role::Billing), Just(Role::Member)]
}

/// An index into the pending invitations or the members as they are when the step runs
/// (taken modulo their number), so that steps meet the state more often than chance would.
fn any_index() -> impl Strategy<Value = usize> {
    0..16usize
}

/// Person 0 is the founder; 1..=PEOPLE the others. Accept, Revoke and Resend name the k-th
/// pending invitation, ChangeRole, Remove and CreateKey the k-th member.
fn op() -> impl Strategy<Value = Op> {
    let other = 1..=PEOPLE;
    prop_oneof![
        3 => (other.clone(), role()).prop_map(|(p, r)| Op::Invite(p, r)),
        3 => any_index().prop_map(Op::Accept),
        1 => any_index().prop_map(Op::Revoke),
        2 => any_index().prop_map(Op::Resend),
        3 => (any_index(), role()).prop_map(|(k, r)| Op::ChangeRole(k, r)),
        1 => any_index().prop_map(Op::Remove),
        1 => Just(Op::ToggleArchive),
        2 => any_index().prop_map(Op::CreateKey),
    ]
}

/// What the rules say the organization is.
#[derive(Debug, Default)]
struct Model {
    members: BTreeMap<usize, Role>,
    /// Pending invitations: (invitation id, role, emails sent).
    pending: BTreeMap<usize, (String, Role, u32)>,
    archived: bool,
    /// Keys by their creator.
    keys: Vec<(usize, String)>,
    /// People removed (or who left), whose old session and keys must do nothing.
    gone: Vec<usize>,
    entries: i64,
}

impl Model {
    fn admins(&self) -> usize {
        self.members.values().filter(|r| **r == Role::Admin).count()
    }

    /// Who acts for the organization: its first Admin.
    fn admin(&self) -> usize {
        *self
            .members
            .iter()
            .find(|(_, r)| **r == Role::Admin)
            .expect("the organization has an Admin")
            .0
    }

    fn nth_pending(&self, k: usize) -> Option<usize> {
        let n = self.pending.len();
        (n > 0).then(|| *self.pending.keys().nth(k % n).unwrap())
    }

    fn nth_member(&self, k: usize) -> usize {
        *self.members.keys().nth(k % self.members.len()).unwrap()
    }

    fn seats_free(&self) -> bool {
        (self.members.len() + self.pending.len()) < SEATS as usize
    }
}

struct World {
    pool: sqlx::AnyPool,
    people: Vec<Account>,
    emails: Vec<String>,
    refused_resends: u32,
    org: String,
    second_ws: String,
    model: Model,
}

fn token(link: &FreshLink) -> String {
    link.url.rsplit('/').next().unwrap().to_owned()
}

impl World {
    async fn run(&mut self, op: &Op) {
        let org = self.org.clone();
        let m = &mut self.model;
        let admin = m.admin();
        match *op {
            Op::Invite(p, role) => {
                let ok =
                    !m.members.contains_key(&p) && !m.pending.contains_key(&p) && m.seats_free();
                let email = self.email(p);
                self.people[admin]
                    .client
                    .run(SendInvitations {
                        org_id: org.clone(),
                        emails: email,
                        role: role.as_str().into(),
                        workspaces: None,
                    })
                    .await;
                if ok {
                    let id = self.pending_invitation(p).await;
                    self.model.pending.insert(p, (id, role, 1));
                    self.model.entries += 1;
                }
            }
            Op::Accept(k) => {
                let Some(p) = m.nth_pending(k) else { return };
                let (id, role, _) = m.pending[&p].clone();
                // A fresh link (its own entry: the old one dies), then the person opens it.
                let link: FreshLink = self.people[admin]
                    .client
                    .run(GetInvitationLink {
                        org_id: org.clone(),
                        invitation_id: id,
                    })
                    .await
                    .json();
                let res = self.people[p]
                    .client
                    .run(AcceptInvitation {
                        token: token(&link),
                    })
                    .await;
                assert_eq!(res.status, 200, "{}", res.body);
                let m = &mut self.model;
                m.pending.remove(&p);
                m.members.insert(p, role);
                m.gone.retain(|g| *g != p);
                m.entries += 2;
            }
            Op::Revoke(k) => {
                // With none pending: an id of no invitation, refused.
                let p = m.nth_pending(k).unwrap_or(0);
                let id = m.pending.get(&p).map(|(id, ..)| id.clone());
                let res = self.people[admin]
                    .client
                    .run(RevokeInvitation {
                        org_id: org.clone(),
                        invitation_id: id.clone().unwrap_or_else(|| "inv_none".into()),
                    })
                    .await;
                if id.is_some() {
                    assert_eq!(res.status, 200, "{}", res.body);
                    self.model.pending.remove(&p);
                    self.model.entries += 1;
                }
            }
            Op::Resend(k) => {
                let Some(p) = m.nth_pending(k) else { return };
                let (id, _, sent) = m.pending[&p].clone();
                let res = self.people[admin]
                    .client
                    .run(ResendInvitation {
                        org_id: org.clone(),
                        invitation_id: id,
                    })
                    .await;
                if sent <= RESENDS {
                    assert_eq!(res.status, 200, "{}", res.body);
                    self.model.pending.get_mut(&p).unwrap().2 += 1;
                    self.model.entries += 1;
                } else {
                    assert_eq!(res.status, 409, "{}", res.body);
                    self.refused_resends += 1;
                }
            }
            Op::ChangeRole(k, role) => {
                let p = m.nth_member(k);
                let current = m.members.get(&p).copied();
                let last_admin =
                    current == Some(Role::Admin) && role != Role::Admin && m.admins() == 1;
                let ok = current.is_some_and(|c| c != role) && !last_admin;
                let user_id = self.people[p].user_id.clone();
                let res = self.people[admin]
                    .client
                    .run(ChangeMemberRole {
                        org_id: org.clone(),
                        user_id,
                        role: role.as_str().into(),
                    })
                    .await;
                if ok {
                    assert_eq!(res.status, 200, "{}", res.body);
                    self.model.members.insert(p, role);
                    self.model.entries += 1;
                } else if last_admin {
                    assert_eq!(res.status, 409, "{}", res.body);
                } else if current == Some(role) {
                    assert_eq!(res.status, 200, "the same role again: {}", res.body);
                }
            }
            Op::Remove(k) => {
                let p = m.nth_member(k);
                let current = m.members.get(&p).copied();
                let last_admin = current == Some(Role::Admin) && m.admins() == 1;
                let ok = current.is_some() && !last_admin;
                let user_id = self.people[p].user_id.clone();
                // Oneself leaves; anyone else is removed by an Admin.
                let by = if p == admin { p } else { admin };
                let res = self.people[by]
                    .client
                    .run(RemoveMember {
                        org_id: org.clone(),
                        user_id,
                    })
                    .await;
                if ok {
                    assert_eq!(res.status, 200, "{}", res.body);
                    let m = &mut self.model;
                    m.members.remove(&p);
                    m.gone.push(p);
                    m.entries += 1;
                }
            }
            Op::ToggleArchive => {
                let ws = self.second_ws.clone();
                let res = if m.archived {
                    self.people[admin]
                        .client
                        .run(UnarchiveWorkspace {
                            org_id: org.clone(),
                            workspace_id: ws,
                        })
                        .await
                } else {
                    self.people[admin]
                        .client
                        .run(ArchiveWorkspace {
                            org_id: org.clone(),
                            workspace_id: ws,
                        })
                        .await
                };
                assert_eq!(res.status, 200, "{}", res.body);
                self.model.archived = !self.model.archived;
                self.model.entries += 1;
            }
            Op::CreateKey(k) => {
                let p = m.nth_member(k);
                // Organization Admins use every workspace; the others were given none.
                let ok = m.members.get(&p) == Some(&Role::Admin);
                let ws = self.people[0].workspace_id.clone();
                let res = self.people[p]
                    .client
                    .run(CreateApiKey {
                        org_id: org.clone(),
                        workspace_id: ws,
                        name: format!("key of p{p}"),
                        expiry: "never".into(),
                        expires_on: None,
                    })
                    .await;
                if ok {
                    assert_eq!(res.status, 200, "{}", res.body);
                    let key: CreatedKey = res.json();
                    self.model.keys.push((p, key.secret));
                    self.model.entries += 1;
                } else {
                    assert!(matches!(res.status, 403 | 404), "{}", res.body);
                }
            }
        }
    }

    fn email(&self, p: usize) -> String {
        self.emails[p].clone()
    }

    /// The id of the one pending invitation of the organization to person `p`.
    async fn pending_invitation(&self, p: usize) -> String {
        sqlx::query_scalar(
            "SELECT id FROM invitations WHERE org_id = $1 AND email = $2 AND status = 'pending'",
        )
        .bind(&self.org)
        .bind(self.email(p))
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    /// Every rule, checked against the database and the console after a step.
    async fn check(&mut self, app: &TestApp, after: &Op) {
        let org = &self.org;
        let roles: Vec<(String, String)> =
            sqlx::query_as("SELECT user_id, role FROM org_members WHERE org_id = $1")
                .bind(org)
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        let mut actual: Vec<(usize, &str)> = roles
            .iter()
            .map(|(u, r)| {
                let p = self.people.iter().position(|a| &a.user_id == u).unwrap();
                (p, r.as_str())
            })
            .collect();
        actual.sort();
        let expected: Vec<(usize, &str)> = self
            .model
            .members
            .iter()
            .map(|(p, r)| (*p, r.as_str()))
            .collect();
        assert_eq!(actual, expected, "members after {after:?}");
        assert!(
            actual.iter().any(|(_, r)| *r == "admin"),
            "no Admin after {after:?}"
        );
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM invitations WHERE org_id = $1 AND status = 'pending'",
        )
        .bind(org)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(
            pending as usize,
            self.model.pending.len(),
            "pending after {after:?}"
        );
        assert!(
            actual.len() as i64 + pending <= SEATS,
            "seats exceeded after {after:?}"
        );
        let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE org_id = $1")
            .bind(org)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(entries, self.model.entries, "audit entries after {after:?}");
        // The people's own organizations saw nothing of this one.
        for person in &self.people[1..] {
            let own: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE org_id = $1")
                .bind(&person.org_id)
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
            assert_eq!(own, 1, "another organization's log changed after {after:?}");
        }
        // Whoever left has no way in: their session sees nothing, their keys work nowhere.
        for p in self.model.gone.clone() {
            let res = self.people[p]
                .client
                .run(LoadShell {
                    org_id: org.clone(),
                    workspace_id: None,
                })
                .await;
            assert_eq!(
                res.status, 404,
                "p{p} still reaches the organization after {after:?}"
            );
            for (_, secret) in self.model.keys.iter().filter(|(owner, _)| *owner == p) {
                let res = common::v1::v1(app, "GET", "/v1/models", secret).await;
                assert_eq!(res.status, 401, "p{p}'s key still works after {after:?}");
            }
        }
    }
}

/// An operation's kind, to count which kinds did something.
fn kind(op: &Op) -> &'static str {
    match op {
        Op::Invite(..) => "invite",
        Op::Accept(_) => "accept",
        Op::Revoke(_) => "revoke",
        Op::Resend(_) => "resend",
        Op::ChangeRole(..) => "change role",
        Op::Remove(_) => "remove",
        Op::ToggleArchive => "archive",
        Op::CreateKey(_) => "create key",
    }
}

async fn generated_sequences_keep_the_rules(app: TestApp) {
    let app = app
        .reconfigured(|c| c.invite_resends = i64::from(RESENDS))
        .await;
    let mut runner = TestRunner::new_with_rng(
        Config::with_cases(CASES),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let sequences = proptest::collection::vec(op(), STEPS);
    let mut changes = 0;
    let mut done: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut refused_resends = 0;
    for case in 0..CASES {
        let ops = sequences.new_tree(&mut runner).unwrap().current();
        // Printed with the failure (the test's output is shown only then).
        println!("case {case}: {ops:?}");
        let mut emails = vec![format!("founder{case}@example.com")];
        let mut founder = account(&app, "Founder", &emails[0]).await;
        let org = founder.org_id.clone();
        app.set_seats(&org, SEATS).await;
        let second_ws: String = founder
            .client
            .run(CreateWorkspace {
                org_id: org.clone(),
                name: "Second".into(),
            })
            .await
            .json();
        let mut people = vec![founder];
        for p in 1..=PEOPLE {
            let email = format!("p{p}-case{case}@example.com");
            people.push(account(&app, &format!("P{p}"), &email).await);
            emails.push(email);
        }
        let mut model = Model::default();
        model.members.insert(0, Role::Admin);
        model.entries = 2; // founded, and the second workspace
        let mut world = World {
            pool: app.db.pool.clone(),
            people,
            emails,
            refused_resends: 0,
            org: org.clone(),
            second_ws,
            model,
        };
        for op in &ops {
            let before = world.model.entries;
            world.run(op).await;
            world.check(&app, op).await;
            if world.model.entries > before {
                *done.entry(kind(op)).or_default() += 1;
            }
        }
        refused_resends += world.refused_resends;
        let verified = audit::verify(&app.db, &org).await.unwrap();
        assert!(matches!(verified, Verified::Intact { .. }), "{verified:?}");
        changes += world.model.entries - 2;
    }
    // The sequences did things: every kind of step changed something somewhere, and the
    // resend limit was met.
    println!("changes: {changes}, by kind: {done:?}, refused resends: {refused_resends}");
    for op in [
        "invite",
        "accept",
        "revoke",
        "resend",
        "change role",
        "remove",
        "archive",
        "create key",
    ] {
        assert!(
            done.get(op).is_some_and(|n| *n > 0),
            "no {op} ever succeeded: {done:?}"
        );
    }
    assert!(refused_resends > 0, "the resend limit was never reached");
    assert!(
        changes >= i64::from(CASES) * 5,
        "only {changes} changes were made"
    );
}
