//! Emails: rendered from askama templates (HTML and text), recorded in the outbox,
//! and sent over SMTP when `SMTP_URL` is set. Sending never blocks the request.

use super::db::{Db, now_ms};
use super::ids::new_id;
use super::repo::outbox;
use askama::Template;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationHtml<'a> {
    org_name: &'a str,
    inviter: &'a str,
    role: &'a str,
    workspaces: &'a str,
    link: &'a str,
    expires: &'a str,
}

#[derive(Template)]
#[template(path = "invitation.txt")]
struct InvitationText<'a> {
    org_name: &'a str,
    inviter: &'a str,
    role: &'a str,
    workspaces: &'a str,
    link: &'a str,
    expires: &'a str,
}

/// What an invitation email says.
pub struct Invitation<'a> {
    pub org_id: &'a str,
    pub invitation_id: &'a str,
    pub to: &'a str,
    pub org_name: &'a str,
    pub inviter: &'a str,
    pub role: &'a str,
    pub workspaces: &'a str,
    pub link: &'a str,
    pub expires: &'a str,
}

/// `smtp://[user:password@]host[:port]`: plain SMTP (default port 25) to a relay such as
/// the machine's own MTA, which handles TLS to the outside world.
fn smtp_transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let bad = || format!("SMTP_URL {url:?}: expected smtp://[user:password@]host[:port]");
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(bad)?
        .trim_end_matches('/');
    let (credentials, host_port) = match rest.rsplit_once('@') {
        Some((c, h)) => (Some(c), h),
        None => (None, rest),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
        None => (host_port, 25),
    };
    if host.is_empty() {
        return Err(bad());
    }
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port);
    if let Some(c) = credentials {
        let (user, password) = c.split_once(':').ok_or_else(bad)?;
        builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
            user.to_owned(),
            password.to_owned(),
        ));
    }
    Ok(builder.build())
}

#[derive(Clone)]
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: String,
}

impl Mailer {
    pub fn new(smtp_url: Option<&str>, from: &str) -> Result<Mailer, String> {
        let smtp = smtp_url.map(smtp_transport).transpose()?;
        from.parse::<Mailbox>()
            .map_err(|e| format!("MAIL_FROM {from:?}: {e}"))?;
        Ok(Mailer {
            smtp,
            from: from.to_owned(),
        })
    }

    /// Records the invitation email in the outbox and sends it in the background.
    pub async fn send_invitation(&self, db: &Db, mail: Invitation<'_>) -> Result<(), String> {
        let subject = format!(
            "{} invited you to join {} on Studio Console",
            mail.inviter, mail.org_name
        );
        let html = InvitationHtml {
            org_name: mail.org_name,
            inviter: mail.inviter,
            role: mail.role,
            workspaces: mail.workspaces,
            link: mail.link,
            expires: mail.expires,
        }
        .render()
        .map_err(|e| e.to_string())?;
        let text = InvitationText {
            org_name: mail.org_name,
            inviter: mail.inviter,
            role: mail.role,
            workspaces: mail.workspaces,
            link: mail.link,
            expires: mail.expires,
        }
        .render()
        .map_err(|e| e.to_string())?;
        let outbox_id = new_id("msg");
        outbox::insert(
            &db.pool,
            &outbox_id,
            mail.org_id,
            Some(mail.invitation_id),
            mail.to,
            &subject,
            now_ms(),
        )
        .await
        .map_err(|e| e.to_string())?;
        let Some(smtp) = self.smtp.clone() else {
            return Ok(());
        };
        let message = Message::builder()
            .from(self.from.parse().map_err(|e| format!("{e}"))?)
            .to(mail.to.parse().map_err(|e| format!("{e}"))?)
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| e.to_string())?;
        let db = db.clone();
        tokio::spawn(async move {
            let outcome = smtp.send(message).await;
            let error = outcome.as_ref().err().map(|e| e.to_string());
            if let Some(e) = &error {
                tracing::warn!(error = %e, "could not send an email");
            }
            if let Err(e) =
                outbox::mark_sent(&db.pool, &outbox_id, now_ms(), error.as_deref()).await
            {
                tracing::warn!(error = %e, "could not update the outbox");
            }
        });
        Ok(())
    }
}
