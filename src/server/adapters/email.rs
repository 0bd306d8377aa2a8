//! Emails: rendered from askama templates (HTML and text), recorded in the outbox,
//! and sent over SMTP when `SMTP_URL` is set. Sending never blocks the request.

use crate::server::db::Db;
use crate::server::ids::new_id;
use crate::server::repo::outbox;
use askama::Template;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

mod account_links;
pub use account_links::AccountLinkMail;

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

/// The mail relay, from `SMTP_URL`:
/// - `smtp://[user:password@]host[:port]`: plain SMTP (port 25), for a relay on the machine
///   or a trusted network, such as the machine's own MTA;
/// - `smtp://...?tls=required`: STARTTLS, and no mail is sent if the relay does not offer
///   it (`?tls=opportunistic`: STARTTLS when offered);
/// - `smtps://[user:password@]host[:port]`: TLS from the first byte (port 465).
///
/// Certificates are checked against the public roots, plus `ca_file` (PEM) when the relay
/// has a certificate of its own (`SMTP_CA_FILE`).
fn smtp_transport(
    url: &str,
    ca_file: Option<&std::path::Path>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    let bad = || {
        format!(
            "SMTP_URL {:?}: expected smtp://[user:password@]host[:port][?tls=required|opportunistic] \
             or smtps://[user:password@]host[:port]",
            crate::server::config::redact_url(url)
        )
    };
    let (implicit_tls, rest) = match (url.strip_prefix("smtps://"), url.strip_prefix("smtp://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => return Err(bad()),
    };
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let rest = rest.trim_end_matches('/');
    let (credentials, host_port) = match rest.rsplit_once('@') {
        Some((c, h)) => (Some(c), h),
        None => (None, rest),
    };
    let default_port = if implicit_tls { 465 } else { 25 };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
        None => (host_port, default_port),
    };
    if host.is_empty() {
        return Err(bad());
    }
    let starttls = match query {
        "" => None,
        "tls=required" => Some(true),
        "tls=opportunistic" => Some(false),
        _ => return Err(bad()),
    };
    if implicit_tls && starttls.is_some() {
        return Err(bad());
    }
    let tls = || -> Result<TlsParameters, String> {
        let mut params = TlsParameters::builder(host.to_owned());
        if let Some(path) = ca_file {
            let pem =
                std::fs::read(path).map_err(|e| format!("SMTP_CA_FILE {}: {e}", path.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("SMTP_CA_FILE {}: {e}", path.display()))?;
            params = params.add_root_certificate(cert);
        }
        params.build_rustls().map_err(|e| format!("SMTP TLS: {e}"))
    };
    let mode = match (implicit_tls, starttls) {
        (true, _) => Tls::Wrapper(tls()?),
        (false, Some(true)) => Tls::Required(tls()?),
        (false, Some(false)) => Tls::Opportunistic(tls()?),
        (false, None) => Tls::None,
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .tls(mode);
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
    pub fn new(
        smtp_url: Option<&str>,
        ca_file: Option<&std::path::Path>,
        from: &str,
    ) -> Result<Mailer, String> {
        let smtp = smtp_url
            .map(|url| smtp_transport(url, ca_file))
            .transpose()?;
        from.parse::<Mailbox>()
            .map_err(|e| format!("MAIL_FROM {from:?}: {e}"))?;
        Ok(Mailer {
            smtp,
            from: from.to_owned(),
        })
    }

    /// Records the invitation email in the outbox and sends it in the background.
    pub async fn send_invitation(&self, db: &Db, mail: Invitation<'_>) -> Result<(), String> {
        // Names are people's and organizations' own text (bounded, without control
        // characters): quoted, so a name that reads like an instruction is seen as a name.
        let subject = format!(
            "{} invited you to join “{}” on Studio Console",
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
        self.deliver(
            db,
            Outgoing {
                org_id: mail.org_id,
                invitation_id: Some(mail.invitation_id),
                to: mail.to,
                subject,
                text,
                html,
            },
        )
        .await
    }

    /// Records an invoice email in the outbox on `conn` (the transaction that issues the
    /// invoice, so an issued invoice always has its outbox entry); `send` it after the
    /// commit. Nothing resends an entry whose sending failed yet (issue 15).
    pub async fn record_invoice(
        &self,
        conn: &mut sqlx::AnyConnection,
        now: i64,
        mail: InvoiceMail<'_>,
    ) -> Result<Recorded, String> {
        let subject = format!(
            "Invoice {} for {}: {}",
            mail.number, mail.period, mail.total
        );
        let (html, text) = (InvoiceHtml { mail: &mail }, InvoiceText { mail: &mail });
        let outgoing = notice(mail.org_id, mail.to, subject, html, text)?;
        self.record(conn, now, outgoing).await
    }

    /// Records a spend alert in the outbox on `conn` (the transaction that records the
    /// alert as sent); `send` it after the commit.
    pub async fn record_spend_alert(
        &self,
        conn: &mut sqlx::AnyConnection,
        now: i64,
        mail: SpendAlertMail<'_>,
    ) -> Result<Recorded, String> {
        let subject = format!(
            "{} reached {}% of its monthly limit ({})",
            mail.scope_name, mail.threshold, mail.cap
        );
        let (html, text) = (
            SpendAlertHtml { mail: &mail },
            SpendAlertText { mail: &mail },
        );
        let outgoing = notice(mail.org_id, mail.to, subject, html, text)?;
        self.record(conn, now, outgoing).await
    }

    /// Records the answer to a request to join in the outbox on `conn` (the transaction
    /// that answers it); `send` it after the commit.
    pub async fn record_join_answer(
        &self,
        conn: &mut sqlx::AnyConnection,
        now: i64,
        mail: JoinAnswerMail<'_>,
    ) -> Result<Recorded, String> {
        let subject = match mail.approved {
            true => format!("You joined {}", mail.org_name),
            false => format!("Your request to join {} was declined", mail.org_name),
        };
        let (html, text) = (
            JoinAnswerHtml { mail: &mail },
            JoinAnswerText { mail: &mail },
        );
        let outgoing = notice(mail.org_id, mail.to, subject, html, text)?;
        self.record(conn, now, outgoing).await
    }

    async fn deliver(&self, db: &Db, mail: Outgoing<'_>) -> Result<(), String> {
        let mut conn = db.pool.acquire().await.map_err(|e| e.to_string())?;
        let recorded = self.record(&mut conn, db.now(), mail).await?;
        self.send(db, recorded);
        Ok(())
    }

    /// Writes the outbox entry and builds the message (none without a relay).
    async fn record(
        &self,
        conn: &mut sqlx::AnyConnection,
        now: i64,
        mail: Outgoing<'_>,
    ) -> Result<Recorded, String> {
        let outbox_id = new_id("msg");
        outbox::insert(
            &mut *conn,
            &outbox_id,
            mail.org_id,
            mail.invitation_id,
            mail.to,
            &mail.subject,
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
        if self.smtp.is_none() {
            return Ok(Recorded {
                outbox_id,
                message: None,
            });
        }
        let built = self.message(mail.to, mail.subject, mail.text, mail.html);
        // An address the mail library refuses fails this email, never what it tells of:
        // the outbox shows why.
        let message = match built {
            Ok(message) => Some(message),
            Err(e) => {
                crate::server::http::metrics::email_sent(false);
                outbox::mark_sent(conn, &outbox_id, now, Some(&e))
                    .await
                    .map_err(|e| e.to_string())?;
                None
            }
        };
        Ok(Recorded { outbox_id, message })
    }

    /// A message from the console's address to `to`, in plain text and HTML.
    fn message(
        &self,
        to: &str,
        subject: String,
        text: String,
        html: String,
    ) -> Result<Message, String> {
        Message::builder()
            .from(self.from.parse().map_err(|e| format!("{e}"))?)
            .to(to.parse().map_err(|e| format!("{e}"))?)
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|e| e.to_string())
    }

    /// Sends a recorded email in the background and notes the outcome in the outbox.
    pub fn send(&self, db: &Db, recorded: Recorded) {
        let (Some(smtp), Some(message)) = (self.smtp.clone(), recorded.message) else {
            return;
        };
        let (db, outbox_id) = (db.clone(), recorded.outbox_id);
        tokio::spawn(async move {
            let outcome = smtp.send(message).await;
            let error = outcome.as_ref().err().map(|e| e.to_string());
            crate::server::http::metrics::email_sent(error.is_none());
            if let Some(e) = &error {
                tracing::warn!(error = %e, "could not send an email");
            }
            if let Err(e) =
                outbox::mark_sent(&db.pool, &outbox_id, db.now(), error.as_deref()).await
            {
                tracing::warn!(error = %e, "could not update the outbox");
            }
        });
    }
}

/// An email in the outbox, not sent yet.
pub struct Recorded {
    outbox_id: String,
    message: Option<Message>,
}

/// An email about an organization (an invoice, an alert), rendered from its templates.
fn notice<'a>(
    org_id: &'a str,
    to: &'a str,
    subject: String,
    html: impl Template,
    text: impl Template,
) -> Result<Outgoing<'a>, String> {
    Ok(Outgoing {
        org_id,
        invitation_id: None,
        to,
        subject,
        text: text.render().map_err(|e| e.to_string())?,
        html: html.render().map_err(|e| e.to_string())?,
    })
}

/// A rendered email on its way.
struct Outgoing<'a> {
    org_id: &'a str,
    invitation_id: Option<&'a str>,
    to: &'a str,
    subject: String,
    text: String,
    html: String,
}

/// What an invoice email says: its number, period, total and where to read it.
pub struct InvoiceMail<'a> {
    pub org_id: &'a str,
    pub to: &'a str,
    pub org_name: &'a str,
    pub number: &'a str,
    pub period: &'a str,
    pub total: &'a str,
    pub due: &'a str,
    pub link: &'a str,
}

#[derive(Template)]
#[template(path = "invoice_email.html")]
struct InvoiceHtml<'a> {
    mail: &'a InvoiceMail<'a>,
}

#[derive(Template)]
#[template(path = "invoice_email.txt")]
struct InvoiceText<'a> {
    mail: &'a InvoiceMail<'a>,
}

/// What a spend alert says: whose limit, how much of it is spent, and where to act.
pub struct SpendAlertMail<'a> {
    pub org_id: &'a str,
    pub to: &'a str,
    pub org_name: &'a str,
    /// "Workspace “Research”" or "The organization".
    pub scope_name: &'a str,
    pub threshold: i64,
    pub spent: &'a str,
    pub cap: &'a str,
    pub period: &'a str,
    pub link: &'a str,
}

#[derive(Template)]
#[template(path = "spend_alert_email.html")]
struct SpendAlertHtml<'a> {
    mail: &'a SpendAlertMail<'a>,
}

#[derive(Template)]
#[template(path = "spend_alert_email.txt")]
struct SpendAlertText<'a> {
    mail: &'a SpendAlertMail<'a>,
}

/// The answer to a request to join: approved (a member now) or declined.
pub struct JoinAnswerMail<'a> {
    pub org_id: &'a str,
    pub to: &'a str,
    pub org_name: &'a str,
    pub approved: bool,
    pub link: &'a str,
}

#[derive(Template)]
#[template(path = "join_answer_email.html")]
struct JoinAnswerHtml<'a> {
    mail: &'a JoinAnswerMail<'a>,
}

#[derive(Template)]
#[template(path = "join_answer_email.txt")]
struct JoinAnswerText<'a> {
    mail: &'a JoinAnswerMail<'a>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn relay_urls_are_read_or_refused_with_the_forms_that_work() {
        for ok in [
            "smtp://localhost",
            "smtp://user:pw@relay.example:587?tls=required",
            "smtp://relay.example?tls=opportunistic",
            "smtps://user:pw@relay.example",
        ] {
            assert!(super::smtp_transport(ok, None).is_ok(), "{ok}");
        }
        for bad in [
            "http://relay.example",
            "smtps://relay.example?tls=required",
            "smtp://relay.example?tls=sometimes",
            "smtp://:25",
            "smtp://relay.example:port",
        ] {
            let err = super::smtp_transport(bad, None).err().unwrap_or_default();
            assert!(err.contains("expected smtp://"), "{bad}: {err}");
        }
        // The message never shows a password.
        let err = super::smtp_transport("smtp://u:secret@h?tls=x", None)
            .err()
            .unwrap();
        assert!(!err.contains("secret"), "{err}");
    }
}
