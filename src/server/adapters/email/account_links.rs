//! Emails to a person about their own account: the link that proves an address, the one
//! that resets a password. They are nobody's organization mail, so no outbox lists them:
//! each is sent in the background at once, and its link's row records when it was made.

use super::Mailer;
use crate::domain::account_links::LinkPurpose;
use askama::Template;
use lettre::AsyncTransport;

/// What an account link email says.
pub struct AccountLinkMail<'a> {
    pub purpose: LinkPurpose,
    pub to: &'a str,
    pub name: &'a str,
    pub link: &'a str,
    pub expires: &'a str,
    /// A verification link for an address the account is changing to.
    pub new_address: bool,
}

/// What both forms of an account link email say.
struct Content<'a> {
    heading: &'a str,
    name: &'a str,
    body: &'a str,
    button: &'a str,
    link: &'a str,
    expires: &'a str,
    footer: &'a str,
}

#[derive(Template)]
#[template(path = "account_link.html")]
struct Html<'a> {
    mail: &'a Content<'a>,
}

#[derive(Template)]
#[template(path = "account_link.txt")]
struct Text<'a> {
    mail: &'a Content<'a>,
}

impl Mailer {
    /// Sends the link in the background. Without a relay nothing is sent; the link that
    /// confirms an account's own address is then written to the log, so that a development
    /// install can be used (a reset or change-of-address link never is: either could take
    /// the account).
    pub fn send_account_link(&self, mail: AccountLinkMail<'_>) -> Result<(), String> {
        let (heading, body, button, footer) = match (mail.purpose, mail.new_address) {
            (LinkPurpose::VerifyEmail, false) => (
                "Confirm your email address",
                "Confirm that this address is yours to finish setting up your Studio Console account.",
                "Confirm email address",
                "If you did not create an account, ignore this email.",
            ),
            (LinkPurpose::VerifyEmail, true) => (
                "Confirm your new email address",
                "You asked to change the email address of your Studio Console account to this one. It changes when you confirm.",
                "Confirm new address",
                "If you did not ask for this, ignore this email: nothing changes.",
            ),
            (LinkPurpose::ResetPassword, _) => (
                "Reset your password",
                "Someone asked to reset the password of your Studio Console account. Choose a new one with the link below; every session of the account then ends.",
                "Choose a new password",
                "If it was not you, ignore this email: your password stays as it is.",
            ),
        };
        let content = Content {
            heading,
            name: mail.name,
            body,
            button,
            link: mail.link,
            expires: mail.expires,
            footer,
        };
        let html = Html { mail: &content }
            .render()
            .map_err(|e| e.to_string())?;
        let text = Text { mail: &content }
            .render()
            .map_err(|e| e.to_string())?;
        let Some(smtp) = self.smtp.clone() else {
            match (mail.purpose, mail.new_address) {
                (LinkPurpose::VerifyEmail, false) => tracing::warn!(
                    to = mail.to,
                    link = mail.link,
                    "no mail relay (SMTP_URL): the verification email was not sent; its link is here"
                ),
                _ => tracing::warn!(
                    to = mail.to,
                    "no mail relay (SMTP_URL): an account email was not sent"
                ),
            }
            return Ok(());
        };
        let message = self.message(mail.to, heading.to_owned(), text, html)?;
        tokio::spawn(async move {
            if let Err(e) = smtp.send(message).await {
                tracing::warn!(error = %e, "could not send an account email");
            }
        });
        Ok(())
    }
}
