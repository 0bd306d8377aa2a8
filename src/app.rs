//! The HTML shell and the route table. Nothing else.

use crate::ui::pages::{
    AccountPage, ApiKeysPage, BillingInvoicesPage, BillingSubscriptionPage, DatasetsPage,
    FineTuningPage, ForgotPasswordPage, InvitationPage, Landing, ModelsPage, NotFound, OrgHome,
    ResetPasswordPage, SettingsAuditPage, SettingsBillingPage, SettingsDomainsPage,
    SettingsGeneralPage, SettingsIndex, SettingsInvitationsPage, SettingsJoinRequestsPage,
    SettingsLimitsPage, SettingsMembersPage, SettingsPermissionsPage, SettingsWorkspacesPage,
    SignInPage, SignUpPage, TermsPage, VerifyEmailPage, WelcomePage, WorkspaceHome,
    WorkspaceMembersPage, WorkspaceUsagePage,
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::http::security_headers::set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                // resizes-content: an on-screen keyboard shrinks the page, so a dialog's
                // buttons stay above it.
                <meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-content"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Every page waits for its data before the first byte is sent, so redirects and
    // status codes are real HTTP ones and pages work without JavaScript.
    let ssr = SsrMode::Async;
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Studio Console".to_owned() } else { format!("{page} · Studio Console") }
        }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Landing ssr=ssr.clone()/>
                <Route path=path!("/signin") view=SignInPage ssr=ssr.clone()/>
                <Route path=path!("/signup") view=SignUpPage ssr=ssr.clone()/>
                <Route path=path!("/welcome") view=WelcomePage ssr=ssr.clone()/>
                <Route path=path!("/account") view=AccountPage ssr=ssr.clone()/>
                <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=ssr.clone()/>
                <Route path=path!("/reset-password/:token") view=ResetPasswordPage ssr=ssr.clone()/>
                <Route path=path!("/verify-email/:token") view=VerifyEmailPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org") view=OrgHome ssr=ssr.clone()/>
                <Route path=path!("/terms") view=TermsPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings") view=SettingsIndex ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/general") view=SettingsGeneralPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/workspaces") view=SettingsWorkspacesPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/permissions") view=SettingsPermissionsPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/billing") view=SettingsBillingPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/limits") view=SettingsLimitsPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/domains") view=SettingsDomainsPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/audit") view=SettingsAuditPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/billing/subscription") view=BillingSubscriptionPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/billing/invoices") view=BillingInvoicesPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/w/:ws") view=WorkspaceHome ssr=ssr.clone()/>
                <Route path=path!("/o/:org/w/:ws/members") view=WorkspaceMembersPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/w/:ws/api-keys") view=ApiKeysPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/w/:ws/datasets") view=DatasetsPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/w/:ws/fine-tuning") view=FineTuningPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/w/:ws/models") view=ModelsPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/w/:ws/usage") view=WorkspaceUsagePage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/members") view=SettingsMembersPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/members/invitations") view=SettingsInvitationsPage ssr=ssr.clone()/>
                <Route path=path!("/o/:org/settings/members/requests") view=SettingsJoinRequestsPage ssr=ssr.clone()/>
                <Route path=path!("/invite/:token") view=InvitationPage ssr/>
            </Routes>
        </Router>
    }
}
