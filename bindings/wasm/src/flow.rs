//! The device-code flow with the I/O done here: `start()` asks for the code, `waitForToken()`
//! polls until the user signs in. The core's `login::device_code` drivers do the protocol; the
//! transport is the host's `fetch` or the caller's fetch-compatible function.

use std::cell::RefCell;
use std::rc::Rc;

use azlogin::cancel::{CancelHandle, cancellable};
use azlogin::login::device_code::{authorize, poll};
use azlogin::oauth::device_code::DeviceAuthorization;
use azlogin::oauth::token::TokenContext;
use azlogin::options::{ObjectReader, WAIT_KEYS, device_code_flow_keys};
use azlogin::runtime::Runtime;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::device_code::{context, tokens_to_js};
use crate::error::{to_js, to_value, usage};
use crate::options::{data, field};
use crate::transport::{AbortWatch, JsRuntime, JsTransport};

struct Inner {
    ctx: TokenContext,
    scopes: Vec<String>,
    transport: JsTransport,
    /// The code from `start()` and when it arrived.
    authorization: RefCell<Option<(DeviceAuthorization, u64)>>,
}

/// A device-code sign-in.
#[wasm_bindgen]
pub struct DeviceCodeFlow {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl DeviceCodeFlow {
    /// A flow with `{ cloud, loginEndpoint | authorityHost, authority, tenant | tenantId,
    /// clientId, scopes, claims, fetch }` (all optional; `fetch` defaults to the host's).
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: Option<crate::types::DeviceCodeFlowOptionsArg>,
    ) -> Result<DeviceCodeFlow, JsValue> {
        let options = options.map_or(JsValue::UNDEFINED, JsValue::from);
        let (ctx, scopes) = context(&options, &device_code_flow_keys())?;
        let transport = JsTransport::new(field(&options, "fetch")?)?;
        Ok(Self {
            inner: Rc::new(Inner {
                ctx,
                scopes,
                transport,
                authorization: RefCell::new(None),
            }),
        })
    }

    /// Asks for a device code: `{ userCode, verificationUri, message, expiresOn }`.
    #[wasm_bindgen(unchecked_return_type = "Promise<DeviceCodeStart>")]
    pub fn start(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let a = authorize(&inner.transport, &inner.ctx, &inner.scopes)
                .await
                .map_err(to_js)?;
            let received = JsRuntime.now_ms();
            let start = to_value(&serde_json::json!({
                "userCode": a.user_code,
                "verificationUri": a.verification_uri,
                "message": a.message,
                "expiresOn": a.expires_on_ms(received),
            }));
            *inner.authorization.borrow_mut() = Some((a, received));
            start
        })
    }

    /// Polls until the user signs in, declines, the code expires, or `signal` aborts
    /// (`cancelled`).
    #[wasm_bindgen(js_name = waitForToken, unchecked_return_type = "Promise<Tokens>")]
    pub fn wait_for_token(&self, options: Option<crate::types::WaitOptionsArg>) -> Promise {
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            // The options first: a mistyped key is reported whatever the flow's state.
            let options = options.map_or(JsValue::UNDEFINED, JsValue::from);
            ObjectReader::new("options", &data(&options), WAIT_KEYS).map_err(to_js)?;
            let Some((authorization, received)) = inner.authorization.borrow_mut().take() else {
                return Err(usage("call start() before waitForToken()"));
            };
            let signal = field(&options, "signal")?;
            let (handle, registration) = CancelHandle::new();
            let _watch = AbortWatch::new(signal, handle)?;
            let tokens = cancellable(
                registration,
                poll(
                    &inner.transport,
                    &JsRuntime,
                    &inner.ctx,
                    &authorization,
                    received,
                ),
            )
            .await
            .map_err(to_js)?;
            tokens_to_js(&tokens, JsRuntime.now_ms() as f64)
        })
    }
}
