//! The device-code login driver.

use crate::error::Result;
use crate::http::HttpClient;
use crate::oauth::device_code::{
    DeviceAuthorization, DeviceCodePoller, PollStep, device_code_request,
    parse_device_authorization,
};
use crate::oauth::token::{TokenContext, TokenResponse};
use crate::runtime::Runtime;

/// Asks for a device code, hands it to `show` (which prints the server's message), then polls
/// until the user finishes, declines, or the code expires. Dropping the future cancels it.
pub async fn login<C: HttpClient, R: Runtime>(
    client: &C,
    runtime: &R,
    ctx: &TokenContext,
    scopes: &[String],
    show: impl FnOnce(&DeviceAuthorization),
) -> Result<TokenResponse> {
    let authorization = authorize(client, ctx, scopes).await?;
    let received_ms = runtime.now_ms();
    show(&authorization);
    poll(client, runtime, ctx, &authorization, received_ms).await
}

/// The first half of [`login`]: asks for a device code (for hosts that show it themselves).
pub async fn authorize<C: HttpClient>(
    client: &C,
    ctx: &TokenContext,
    scopes: &[String],
) -> Result<DeviceAuthorization> {
    let request = device_code_request(
        &ctx.authority,
        &ctx.client_id,
        scopes,
        ctx.claims.as_deref(),
    );
    let endpoint = request.endpoint().to_string();
    let response = client.send(request).await?;
    parse_device_authorization(&response, &endpoint)
}

/// The second half of [`login`]: polls for `authorization` until the user finishes, declines,
/// or the code expires; `received_ms` is when the code arrived, which starts its lifetime.
/// Dropping the future cancels it.
pub async fn poll<C: HttpClient, R: Runtime>(
    client: &C,
    runtime: &R,
    ctx: &TokenContext,
    authorization: &DeviceAuthorization,
    received_ms: u64,
) -> Result<TokenResponse> {
    let mut poller = DeviceCodePoller::new(authorization, received_ms);
    let token_endpoint = ctx.authority.token_endpoint();
    loop {
        let request = poller.poll_request(ctx, runtime.now_ms())?;
        let response = client.send(request).await?;
        match poller.handle_response(&response, &token_endpoint, runtime.now_ms())? {
            PollStep::Complete(tokens) => return Ok(*tokens),
            PollStep::Wait(d) => runtime.sleep(d).await,
        }
    }
}
