//! The device-code login driver over [`DeviceCodeSteps`], the one device-code state machine.

use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::oauth::device_code::{DeviceAuthorization, DeviceCodeSteps, FlowStep};
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
    let mut steps = DeviceCodeSteps::new(ctx.clone(), scopes);
    // The device authorization request does not depend on the time.
    let response = client.send(steps.next_request(0)?).await?;
    match steps.handle_response(&response, 0)? {
        FlowStep::Started { authorization, .. } => Ok(authorization),
        _ => Err(out_of_step()),
    }
}

/// The second half of [`login`]: polls for `authorization` until the user finishes, declines,
/// or the code expires; `received_ms` is when the code arrived, which starts its lifetime. The
/// first poll goes out at once, as MSAL's does. Dropping the future cancels it.
pub async fn poll<C: HttpClient, R: Runtime>(
    client: &C,
    runtime: &R,
    ctx: &TokenContext,
    authorization: &DeviceAuthorization,
    received_ms: u64,
) -> Result<TokenResponse> {
    let mut steps = DeviceCodeSteps::polling(ctx.clone(), authorization, received_ms);
    loop {
        let request = steps.next_request(runtime.now_ms())?;
        let response = client.send(request).await?;
        match steps.handle_response(&response, runtime.now_ms())? {
            FlowStep::Complete(tokens) => return Ok(*tokens),
            FlowStep::Wait(d) => runtime.sleep(d).await,
            _ => return Err(out_of_step()),
        }
    }
}

fn out_of_step() -> Error {
    Error::Config("the device-code flow answered out of step".into())
}
