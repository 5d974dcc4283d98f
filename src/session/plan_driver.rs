//! The driver of [`crate::login_plan`]: does what the plan asks (tokens, ARM lists, the profile
//! write), many actions at once, and hands the answers back. No decision about the login is
//! made here.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use super::files::{modify_profile_then, modify_token_cache};
use super::login::{DiscoveryTokens, LoginEvents};
use super::{Session, SessionClient};
use crate::discovery::{self, DiscoveryProgress, TenantTokens};
use crate::error::{Error, Result};
use crate::login_plan::{Action, ActionId, Answer, LoginOutcome, LoginPlan, Next};
use crate::profile::Subscription;
use crate::runtime::Runtime;

/// Where discovery is, for progress events.
#[derive(Default)]
struct Progress {
    tenants_done: AtomicUsize,
    tenants_total: AtomicUsize,
    subscriptions_found: AtomicUsize,
}

impl Progress {
    fn report(&self, events: &dyn LoginEvents) {
        events.progress(DiscoveryProgress {
            tenants_done: self.tenants_done.load(Ordering::Relaxed),
            tenants_total: self.tenants_total.load(Ordering::Relaxed),
            subscriptions_found: self.subscriptions_found.load(Ordering::Relaxed),
        });
    }
}

impl<C: SessionClient, R: Runtime> Session<C, R> {
    /// Runs `plan` to its end. `tokens` serves a person's ARM tokens (refresh-token grants,
    /// recorded and written to the token cache once discovery is over, whatever its outcome);
    /// app logins hand the plan their token up front and pass `None`.
    pub(super) async fn drive_plan(
        &self,
        mut plan: LoginPlan,
        tokens: Option<&DiscoveryTokens<'_, C, R>>,
        telemetry: bool,
        events: &dyn LoginEvents,
    ) -> Result<LoginOutcome> {
        let progress = Progress::default();
        let mut running = FuturesUnordered::new();
        let mut tokens_written = false;
        loop {
            match plan.poll() {
                Next::Act(id, Action::Save { entries, preferred }) => {
                    self.write_recorded_tokens(tokens, &mut tokens_written)?;
                    let saved = self.save_entries(entries, preferred.as_deref(), telemetry);
                    plan.handle(id, Answer::Saved(saved));
                }
                Next::Act(id, action) => {
                    running.push(self.perform(id, action, tokens, &progress, events));
                }
                Next::Warning(text) => events.warning(&text),
                Next::TenantDone => {
                    progress.tenants_done.fetch_add(1, Ordering::Relaxed);
                    progress.report(events);
                }
                Next::Wait => match running.next().await {
                    Some((id, answer)) => {
                        if let (Answer::Tenants(Ok(tenants)), Some(tokens)) = (&answer, tokens) {
                            progress
                                .tenants_total
                                .store(tenants.len(), Ordering::Relaxed);
                            tokens.set_tenant_order(tenants)?;
                        }
                        plan.handle(id, answer);
                    }
                    None => {
                        return Err(Error::Config(
                            "the login plan waits for an answer no action will give".into(),
                        ));
                    }
                },
                Next::Done(outcome) => {
                    // Tokens got so far are kept even when discovery fails, as az keeps them.
                    self.write_recorded_tokens(tokens, &mut tokens_written)?;
                    return outcome;
                }
            }
        }
    }

    /// Does one action.
    async fn perform(
        &self,
        id: ActionId,
        action: Action,
        tokens: Option<&DiscoveryTokens<'_, C, R>>,
        progress: &Progress,
        events: &dyn LoginEvents,
    ) -> (ActionId, Answer) {
        let arm = self.endpoints.arm.as_str();
        let no_tokens = || Error::Config("this login has no refresh token to ask with".into());
        let answer = match action {
            Action::ArmToken => Answer::ArmToken(match tokens {
                Some(t) => t.token(t.base.authority.clone()).await,
                None => Err(no_tokens()),
            }),
            Action::ListTenants { token } => {
                Answer::Tenants(discovery::list_tenants(&self.http, arm, &token).await)
            }
            Action::TenantToken { tenant_id } => Answer::TenantToken(match tokens {
                Some(t) => t.token_for_tenant(&tenant_id).await,
                None => Err(no_tokens()),
            }),
            Action::ListSubscriptions { token } => {
                // Only the tenant loop reports progress.
                let on_page = |n: usize| {
                    if progress.tenants_total.load(Ordering::Relaxed) > 0 {
                        progress.subscriptions_found.fetch_add(n, Ordering::Relaxed);
                        progress.report(events);
                    }
                };
                Answer::Subscriptions(
                    discovery::list_subscriptions_counted(&self.http, arm, &token, on_page).await,
                )
            }
            Action::GetSubscription {
                subscription_id,
                token,
            } => Answer::Subscription(
                discovery::get_subscription(&self.http, arm, &subscription_id, &token).await,
            ),
            other => Answer::Saved(Err(Error::Config(format!(
                "the login driver cannot do {other:?} here"
            )))),
        };
        (id, answer)
    }

    /// Writes the tokens discovery got, once.
    fn write_recorded_tokens(
        &self,
        tokens: Option<&DiscoveryTokens<'_, C, R>>,
        written: &mut bool,
    ) -> Result<()> {
        let Some(tokens) = tokens.filter(|_| !*written) else {
            return Ok(());
        };
        *written = true;
        let recorded = tokens.take_in_tenant_order()?;
        if !recorded.is_empty() {
            modify_token_cache(self.dir.path(), &self.secrets, |c| {
                recorded.iter().for_each(|r| r.apply(c))
            })?;
        }
        Ok(())
    }

    /// Merges a login's entries into the profile (`preferred` becomes the default), points
    /// clouds.config at the default, and gives back the entries as saved.
    fn save_entries(
        &self,
        entries: Vec<Subscription>,
        preferred: Option<&str>,
        telemetry: bool,
    ) -> Result<(Vec<Subscription>, Option<String>)> {
        // The entries move into the profile and back out after the write: one copy at the peak.
        let (default_id, entries) = modify_profile_then(
            self.dir.path(),
            |p| {
                let merged = p.merge_owned(entries, preferred);
                if telemetry {
                    p.ensure_installation_id(|| uuid::Uuid::new_v4().to_string());
                }
                Ok(merged)
            },
            |p, (default_id, positions)| (default_id, p.into_entries_at(&positions)),
        )?;
        if let Some(id) = &default_id {
            crate::store::set_cloud_subscription(&self.dir, &self.cloud.name, Some(id))?;
        }
        Ok((entries, default_id))
    }
}
