//! Admin Settings -> Domains: adding a company domain, proving it with a TXT record served
//! by a DNS server on loopback (match, mismatch, no record, timeout), public domains
//! refused, one domain for one organization even when two race, and the join settings.

use crate::common;

use common::dns::{self, DnsServer};
use common::{Account, TestApp, account};
use studio_console::api::domains::{AddDomain, CheckDomain, GetDomains, SaveDomainJoin};
use studio_console::domain::org_domains::{DomainView, DomainsPage, GrantField, JoinMode};
use studio_console::domain::roles::{OrgRole, WorkspaceRole};

backend_tests!(
    a_domain_is_verified_by_its_txt_record,
    public_and_malformed_domains_are_refused_by_name,
    a_dns_server_that_never_answers_is_a_timeout,
    one_domain_belongs_to_one_organization_even_when_two_race,
    join_settings_need_a_verified_domain_a_joinable_role_and_own_workspaces,
    only_the_organizations_admins_manage_its_domains,
    a_verified_domain_whose_record_is_gone_lapses_at_the_daily_check,
);

async fn with_dns(app: &TestApp, dns: &DnsServer) -> TestApp {
    let settings = dns.settings();
    app.reconfigured(|c| c.dns = settings).await
}

async fn page(ada: &mut Account) -> DomainsPage {
    let res = ada
        .client
        .run(GetDomains {
            org_id: ada.org_id.clone(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn add(ada: &mut Account, domain: &str) -> common::client::Response {
    ada.client
        .run(AddDomain {
            org_id: ada.org_id.clone(),
            domain: domain.into(),
        })
        .await
}

/// Adds the domain and returns it as the page shows it.
async fn added(ada: &mut Account, domain: &str) -> DomainView {
    let res = add(ada, domain).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let wanted = domain.trim().trim_matches(['@', '.']).to_ascii_lowercase();
    page(ada)
        .await
        .domains
        .into_iter()
        .find(|d| d.domain == wanted)
        .expect("the added domain is listed")
}

async fn check(ada: &mut Account, id: &str) -> DomainView {
    let res = ada
        .client
        .run(CheckDomain {
            org_id: ada.org_id.clone(),
            domain_id: id.into(),
        })
        .await;
    // A check that found no record is no error: the page shows what it found.
    assert_eq!(res.status, 200, "{}", res.body);
    page(ada)
        .await
        .domains
        .into_iter()
        .find(|d| d.id == id)
        .expect("the checked domain is listed")
}

async fn a_domain_is_verified_by_its_txt_record(app: TestApp) {
    let dns = DnsServer::start().await;
    let app = with_dns(&app, &dns).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let d = added(&mut ada, " @Acme.TEST. ").await;
    assert_eq!(d.domain, "acme.test");
    assert_eq!(d.txt_name, "_studio-console-challenge.acme.test");
    assert!(d.txt_value.starts_with("studio-console-verification="));
    assert!(
        d.txt_value.len() >= "studio-console-verification=".len() + 32,
        "128 bits"
    );
    assert_eq!((d.verified_at, d.checked_at), (None, None));

    let none = check(&mut ada, &d.id).await;
    assert_eq!(none.verified_at, None);
    assert!(none.checked_at.is_some());
    let outcome = none.check_outcome.unwrap();
    assert!(
        outcome.starts_with("No TXT record at _studio-console-challenge.acme.test"),
        "{outcome}"
    );

    // Someone else's value (another organization's challenge, a typo) does not verify.
    dns.set_txt(
        &d.txt_name,
        &["studio-console-verification=0000", "v=spf1 -all"],
    );
    let other = check(&mut ada, &d.id).await;
    assert_eq!(other.verified_at, None);
    let outcome = other.check_outcome.unwrap();
    assert!(
        outcome.contains("not this organization's value"),
        "{outcome}"
    );

    dns.set_txt(&d.txt_name, &["v=spf1 -all", &d.txt_value]);
    let ok = check(&mut ada, &d.id).await;
    assert!(ok.verified_at.is_some(), "{:?}", ok.check_outcome);
    assert_eq!(ok.check_outcome, None);
    // Checking a verified domain again changes nothing, even once the record is gone.
    dns.set_txt(&d.txt_name, &[]);
    assert_eq!(check(&mut ada, &d.id).await.verified_at, ok.verified_at);
    let again = add(&mut ada, "acme.test").await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(
        again.body.contains("already on this organization's list"),
        "{}",
        again.body
    );
}

async fn public_and_malformed_domains_are_refused_by_name(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    for (input, says) in [
        ("gmail.com", "public email provider"),
        ("Outlook.com", "public email provider"),
        ("mailinator.com", "public email provider"),
        ("https://acme.test", "domain only"),
        ("acme", "whole domain"),
        ("", "Enter a domain"),
    ] {
        let res = add(&mut ada, input).await;
        assert_eq!(res.status, 422, "{input}: {}", res.body);
        let err = res.error();
        let message = err.field_message("domain").unwrap_or_default();
        assert!(message.contains(says), "{input}: {message}");
    }
    assert_eq!(app.count("org_domains").await, 0);
}

async fn a_dns_server_that_never_answers_is_a_timeout(app: TestApp) {
    let (settings, _guard) = dns::silent().await;
    let bound = settings.timeout;
    let app = app.reconfigured(|c| c.dns = settings).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let d = added(&mut ada, "acme.test").await;
    let started = std::time::Instant::now();
    let checked = check(&mut ada, &d.id).await;
    let took = started.elapsed();
    assert!(
        took < bound + std::time::Duration::from_secs(2),
        "took {took:?}"
    );
    assert_eq!(checked.verified_at, None);
    let outcome = checked.check_outcome.unwrap();
    assert!(outcome.contains("did not answer in time"), "{outcome}");
}

async fn one_domain_belongs_to_one_organization_even_when_two_race(app: TestApp) {
    let dns = DnsServer::start().await;
    let app = with_dns(&app, &dns).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut bob = account(&app, "Bob", "bob@example.com").await;
    // Both may add it while neither has proved it, and both put their record up.
    let (a, b) = (
        added(&mut ada, "acme.test").await,
        added(&mut bob, "acme.test").await,
    );
    dns.set_txt(&a.txt_name, &[&a.txt_value, &b.txt_value]);
    let (a_done, b_done) = tokio::join!(
        ada.client.run(CheckDomain {
            org_id: ada.org_id.clone(),
            domain_id: a.id.clone(),
        }),
        bob.client.run(CheckDomain {
            org_id: bob.org_id.clone(),
            domain_id: b.id.clone(),
        }),
    );
    assert_eq!((a_done.status, b_done.status), (200, 200));
    let verified: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM org_domains WHERE domain = 'acme.test' AND verified_at IS NOT NULL",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(verified, 1, "exactly one organization holds the domain");
    let (a, b) = (check(&mut ada, &a.id).await, check(&mut bob, &b.id).await);
    let loser = if a.verified_at.is_some() { b } else { a };
    assert_eq!(loser.verified_at, None);
    let outcome = loser.check_outcome.unwrap();
    assert!(
        outcome.contains("verified by another organization"),
        "{outcome}"
    );
    // A third organization can't even add it now.
    let mut cy = account(&app, "Cy", "cy@example.com").await;
    let res = add(&mut cy, "ACME.test").await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(
        res.body.contains("verified by another organization"),
        "{}",
        res.body
    );
}

async fn join_settings_need_a_verified_domain_a_joinable_role_and_own_workspaces(app: TestApp) {
    let dns = DnsServer::start().await;
    let app = with_dns(&app, &dns).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    let d = added(&mut ada, "acme.test").await;
    let (org_id, domain_id) = (ada.org_id.clone(), d.id.clone());
    let save = |mode: &str, role: &str, grants: Vec<GrantField>| SaveDomainJoin {
        org_id: org_id.clone(),
        domain_id: domain_id.clone(),
        join_mode: mode.into(),
        join_role: role.into(),
        grants: Some(grants),
    };
    let grant = |ws: &str, role: &str| GrantField {
        workspace_id: ws.into(),
        role: role.into(),
    };
    let early = ada.client.run(save("suggest", "member", vec![])).await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert!(early.body.contains("Verify the domain"), "{}", early.body);

    dns.set_txt(&d.txt_name, &[&d.txt_value]);
    assert!(check(&mut ada, &d.id).await.verified_at.is_some());
    let admin = ada.client.run(save("automatic", "admin", vec![])).await;
    assert_eq!(admin.status, 422, "{}", admin.body);
    assert!(admin.error().field_message("join_role").is_some());
    let bad_mode = ada.client.run(save("sometimes", "member", vec![])).await;
    assert!(bad_mode.error().field_message("join_mode").is_some());
    // Billing, or a workspace's Admin role, only with an Admin's approval of each person.
    let billing = ada.client.run(save("automatic", "billing", vec![])).await;
    assert!(
        billing.error().field_message("join_role").is_some(),
        "{}",
        billing.body
    );
    let ws_admin = ada
        .client
        .run(save(
            "suggest",
            "member",
            vec![grant(&ada.workspace_id, "admin")],
        ))
        .await;
    assert!(
        ws_admin.error().field_message("grants").is_some(),
        "{}",
        ws_admin.body
    );
    // Another organization's workspace is not one to add people to.
    let foreign = ada
        .client
        .run(save(
            "suggest",
            "member",
            vec![grant(&bob.workspace_id, "contributor")],
        ))
        .await;
    assert_eq!(foreign.status, 422, "{}", foreign.body);
    assert!(foreign.error().field_message("grants").is_some());

    let grants = vec![grant(&ada.workspace_id, "admin"), grant("ws_unchosen", "")];
    let ok = ada.client.run(save("approval", "billing", grants)).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let shown = page(&mut ada).await.domains.remove(0);
    assert_eq!(shown.join_mode, JoinMode::Approval);
    assert_eq!(shown.join_role, OrgRole::Billing);
    assert_eq!(shown.workspaces.len(), 1);
    assert_eq!(shown.workspaces[0].workspace_id, ada.workspace_id);
    assert_eq!(shown.workspaces[0].role, WorkspaceRole::Admin);
    // Saving again replaces the workspaces.
    let none = ada.client.run(save("suggest", "member", vec![])).await;
    assert_eq!(none.status, 200, "{}", none.body);
    let shown = page(&mut ada).await.domains.remove(0);
    assert!(shown.workspaces.is_empty());
    assert_eq!(shown.join_mode, JoinMode::Suggest);
}

async fn only_the_organizations_admins_manage_its_domains(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let d = added(&mut ada, "acme.test").await;
    let mut bob = account(&app, "Bob", "bob@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "billing")
        .await;
    let mut eve = account(&app, "Eve", "eve@example.com").await;
    let as_bob = bob
        .client
        .run(CheckDomain {
            org_id: ada.org_id.clone(),
            domain_id: d.id.clone(),
        })
        .await;
    assert_eq!(as_bob.status, 403, "{}", as_bob.body);
    // Another organization's Admin: neither the organization nor its domain exists for her.
    let as_eve = eve
        .client
        .run(CheckDomain {
            org_id: ada.org_id.clone(),
            domain_id: d.id.clone(),
        })
        .await;
    assert_eq!(as_eve.status, 404, "{}", as_eve.body);
    let in_her_org = eve
        .client
        .run(CheckDomain {
            org_id: eve.org_id.clone(),
            domain_id: d.id.clone(),
        })
        .await;
    assert_eq!(in_her_org.status, 404, "{}", in_her_org.body);
}

async fn a_verified_domain_whose_record_is_gone_lapses_at_the_daily_check(app: TestApp) {
    use studio_console::server::email::Mailer;
    use studio_console::server::services::{Ports, org_domains};
    let dns = DnsServer::start().await;
    let app = with_dns(&app, &dns).await;
    app.db.clock.set(1_800_000_000_000);
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let d = added(&mut ada, "acme.test").await;
    dns.set_txt(&d.txt_name, &[&d.txt_value]);
    assert!(check(&mut ada, &d.id).await.verified_at.is_some());
    let grants = Some(vec![GrantField {
        workspace_id: ada.workspace_id.clone(),
        role: "contributor".into(),
    }]);
    let saved = ada
        .client
        .run(SaveDomainJoin {
            org_id: ada.org_id.clone(),
            domain_id: d.id.clone(),
            join_mode: "automatic".into(),
            join_role: "member".into(),
            grants,
        })
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let mailer = Mailer::new(None, None, &app.config.mail_from).unwrap();
    let ports = Ports {
        db: &app.db,
        mailer: &mailer,
        config: &app.config,
    };
    const HOUR: i64 = 3_600_000;
    // Not due within the day; due after it, and still verified while the record stays.
    assert_eq!(org_domains::recheck_due(&ports).await.unwrap(), 0);
    app.db.clock.advance(25 * HOUR);
    assert_eq!(org_domains::recheck_due(&ports).await.unwrap(), 0);
    let kept = page(&mut ada).await.domains.remove(0);
    assert!(kept.verified_at.is_some());
    assert_eq!(kept.checked_at, Some(app.db.now()), "checked again");
    // Gone: three days in a row (one bad day of DNS locks no one out), then no longer
    // verified, and no one joins through it; a day that finds it again resets the count.
    dns.set_txt(&d.txt_name, &[]);
    for _ in 0..2 {
        app.db.clock.advance(25 * HOUR);
        assert_eq!(org_domains::recheck_due(&ports).await.unwrap(), 0);
    }
    assert!(page(&mut ada).await.domains[0].verified_at.is_some());
    dns.set_txt(&d.txt_name, &[&d.txt_value]);
    app.db.clock.advance(25 * HOUR);
    assert_eq!(org_domains::recheck_due(&ports).await.unwrap(), 0);
    dns.set_txt(&d.txt_name, &[]);
    for lapses in [0, 0, 1] {
        app.db.clock.advance(25 * HOUR);
        assert_eq!(org_domains::recheck_due(&ports).await.unwrap(), lapses);
    }
    let lapsed = page(&mut ada).await.domains.remove(0);
    assert_eq!(lapsed.verified_at, None);
    let outcome = lapsed.check_outcome.unwrap();
    assert!(outcome.starts_with("Verification lapsed"), "{outcome}");
    let mut ana = common::signed_up(&app, "Ana", "ana@acme.test").await;
    app.confirm_email("ana@acme.test").await;
    let yours = ana
        .run(studio_console::api::invitations::GetYourInvitations { joined: None })
        .await
        .json::<studio_console::domain::invitations::YourInvitations>();
    assert!(
        yours.domain_offer.is_none(),
        "a lapsed domain offers nothing"
    );
    // Proving it again works as the first time.
    dns.set_txt(&d.txt_name, &[&d.txt_value]);
    assert!(check(&mut ada, &d.id).await.verified_at.is_some());
}
