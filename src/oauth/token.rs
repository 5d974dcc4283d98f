//! Token endpoint requests for each grant, and the parsing of its answers and Entra errors.

use serde_json::Value;

use crate::error::{Error, Result, ServerError, terminal_safe};
use crate::http::{HttpRequest, HttpResponse};
use crate::oauth::claims::ClientInfo;
use crate::oauth::{Authority, decorate_scopes};
use crate::pyjson::{self, PyJsonStyle};
use crate::secret::{AccessToken, ClientAssertion, ClientSecret, IdToken, Password, RefreshToken};

/// The OAuth grant type of the device-code flow.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What every user-token request shares: who asks, where, and which claims.
#[derive(Clone, Debug)]
pub struct TokenContext {
    /// The authority to ask.
    pub authority: Authority,
    /// The public client id.
    pub client_id: String,
    /// The `claims` parameter (CP1 merged with any challenge), or `None` to send none.
    pub claims: Option<String>,
}

impl TokenContext {
    fn post<'a>(&'a self, pairs: Vec<(&'a str, &'a str)>) -> HttpRequest {
        let mut all = pairs;
        all.push(("client_id", &self.client_id));
        all.push(("client_info", "1"));
        if let Some(claims) = &self.claims {
            all.push(("claims", claims));
        }
        HttpRequest::post_form(self.authority.token_endpoint(), all)
    }

    /// `grant_type=password` (ROPC), with MSAL's `X-AnchorMailbox: upn:<username>`.
    pub fn password_request(
        &self,
        scopes: &[String],
        username: &str,
        password: &Password,
    ) -> HttpRequest {
        let scope = decorate_scopes(scopes);
        self.post(vec![
            ("grant_type", "password"),
            ("username", username),
            ("password", password.secret()),
            ("scope", &scope),
        ])
        .header("X-AnchorMailbox", format!("upn:{username}"))
    }

    /// `grant_type=refresh_token`, anchored to the account when it is known.
    pub fn refresh_request(
        &self,
        scopes: &[String],
        refresh_token: &RefreshToken,
        account: Option<&ClientInfo>,
    ) -> HttpRequest {
        let scope = decorate_scopes(scopes);
        let request = self.post(vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.secret()),
            ("scope", &scope),
        ]);
        match account {
            Some(ci) => request.header("X-AnchorMailbox", format!("Oid:{}@{}", ci.uid, ci.utid)),
            None => request,
        }
    }

    /// One device-code poll. az (MSAL) sends the device code as both `device_code` and `code`.
    pub fn device_code_poll_request(&self, device_code: &crate::secret::DeviceCode) -> HttpRequest {
        self.post(vec![
            ("grant_type", DEVICE_CODE_GRANT),
            ("device_code", device_code.secret()),
            ("code", device_code.secret()),
        ])
    }

    /// `grant_type=authorization_code` with the PKCE verifier, anchored to the account when known.
    pub fn authorization_code_request(
        &self,
        scopes: &[String],
        code: &crate::secret::AuthorizationCode,
        redirect_uri: &str,
        verifier: crate::secret::PkceVerifier,
        account: Option<&ClientInfo>,
    ) -> HttpRequest {
        let scope = decorate_scopes(scopes);
        let verifier = verifier.into_secret();
        let request = self.post(vec![
            ("grant_type", "authorization_code"),
            ("code", code.secret()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", &verifier),
            ("scope", &scope),
        ]);
        match account {
            Some(ci) => request.header("X-AnchorMailbox", format!("Oid:{}@{}", ci.uid, ci.utid)),
            None => request,
        }
    }
}

/// How a confidential client proves who it is.
#[derive(Clone, Debug)]
pub enum ClientCredential {
    /// A client secret, sent as `client_secret`.
    Secret(ClientSecret),
    /// A signed JWT (certificate) or a federated token, sent as a `jwt-bearer` client assertion.
    Assertion(ClientAssertion),
}

/// `grant_type=client_credentials`: app-only, no OIDC scopes, no client_info.
pub fn client_credentials_request(
    authority: &Authority,
    client_id: &str,
    credential: &ClientCredential,
    scopes: &[String],
    claims: Option<&str>,
) -> HttpRequest {
    let scope = scopes.join(" ");
    let mut pairs = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
    ];
    match credential {
        ClientCredential::Secret(secret) => pairs.push(("client_secret", secret.secret())),
        ClientCredential::Assertion(assertion) => {
            pairs.push((
                "client_assertion_type",
                crate::oauth::client_assertion::JWT_BEARER_ASSERTION_TYPE,
            ));
            pairs.push(("client_assertion", assertion.secret()));
        }
    }
    pairs.push(("scope", scope.as_str()));
    if let Some(c) = claims {
        pairs.push(("claims", c));
    }
    HttpRequest::post_form(authority.token_endpoint(), pairs)
}

/// The `claims` parameter: the CP1 capability merged into a claims challenge, as MSAL does
/// (`json.dumps` with its default separators; a challenge's own `xms_cc` is overwritten).
pub fn merge_claims(challenge: Option<&str>, cp1: bool) -> Result<Option<String>> {
    let mut merged = match challenge {
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Value::Object(map),
            _ => {
                return Err(Error::Usage(
                    "The claims challenge is not a JSON object.".into(),
                ));
            }
        },
        None if cp1 => Value::Object(Default::default()),
        None => return Ok(None),
    };
    if let (true, Value::Object(root)) = (cp1, &mut merged) {
        let at = root
            .entry("access_token")
            .or_insert_with(|| Value::Object(Default::default()));
        if !at.is_object() {
            *at = Value::Object(Default::default());
        }
        if let Value::Object(at) = at {
            at.insert("xms_cc".into(), serde_json::json!({"values": ["CP1"]}));
        }
    }
    Ok(Some(pyjson::to_string(&merged, PyJsonStyle::PROFILE)))
}

/// A successful token answer.
#[derive(Debug, Default)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: Option<AccessToken>,
    /// Usually `Bearer`.
    pub token_type: Option<String>,
    /// Lifetime in seconds.
    pub expires_in: Option<u64>,
    /// Extended lifetime in seconds.
    pub ext_expires_in: Option<u64>,
    /// When to refresh proactively, in seconds.
    pub refresh_in: Option<u64>,
    /// Absolute expiry (epoch seconds), sent by some endpoints instead of `expires_in`.
    pub expires_on: Option<u64>,
    /// The refresh token.
    pub refresh_token: Option<RefreshToken>,
    /// The ID token.
    pub id_token: Option<IdToken>,
    /// base64url `{"uid","utid"}`.
    pub client_info: Option<String>,
    /// The granted scopes, space-separated.
    pub scope: Option<String>,
    /// The FOCI family id (`"1"`).
    pub foci: Option<String>,
}

/// The signed-in account a token answer names (from `client_info` and the ID token). Every
/// reader of the account (the login, the token cache, the bindings) takes it from here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenAccount {
    /// The sign-in name (`preferred_username`, else `upn`), empty when the ID token has none.
    pub username: String,
    /// `<uid>.<utid>` from `client_info`, else the ID token's `sub`.
    pub home_account_id: Option<String>,
    /// The tenant that issued the tokens (`tid`), else the home tenant (`utid`).
    pub tenant_id: Option<String>,
    /// The account's id in the issuing tenant: the ID token's `oid`, else its `sub`.
    pub local_account_id: Option<String>,
    /// Whether the answer carried a readable `client_info` (MSAL records an account only then).
    pub has_client_info: bool,
}

/// A token answer that carries an access token, as the refresh-token and client-credentials
/// grants must: the token is there by type.
#[derive(Debug)]
pub struct AccessTokenResponse {
    /// The access token.
    pub access_token: AccessToken,
    /// The whole answer (for the token cache).
    pub response: TokenResponse,
}

impl TokenResponse {
    /// The account behind these tokens, as MSAL records it; unreadable parts are left out.
    pub fn account(&self) -> TokenAccount {
        let claims = self
            .id_token
            .as_ref()
            .and_then(|t| crate::oauth::claims::decode_jwt_claims(t.secret()).ok())
            .unwrap_or_default();
        let client_info = self
            .client_info
            .as_deref()
            .and_then(|c| ClientInfo::parse(c).ok());
        account_of(&claims, client_info)
    }

    /// The account of a sign-in, which must name it: `client_info` present and readable, and
    /// the ID token (when there is one) readable.
    pub fn signed_in_account(&self, endpoint: &str) -> Result<TokenAccount> {
        let client_info = self
            .client_info
            .as_deref()
            .ok_or_else(|| Error::invalid_response(endpoint, "the answer has no client_info"))
            .and_then(|c| ClientInfo::parse(c).map_err(|e| Error::invalid_response(endpoint, e)))?;
        let claims = self
            .id_token
            .as_ref()
            .map(|t| crate::oauth::claims::decode_jwt_claims(t.secret()))
            .transpose()
            .map_err(|e| {
                Error::invalid_response(endpoint, format!("the ID token is unreadable: {e}"))
            })?
            .unwrap_or_default();
        Ok(account_of(&claims, Some(client_info)))
    }

    /// The answer with its access token required, for grants that must return one.
    pub fn with_access_token(self, endpoint: &str) -> Result<AccessTokenResponse> {
        match self.access_token.clone() {
            Some(access_token) => Ok(AccessTokenResponse {
                access_token,
                response: self,
            }),
            None => Err(Error::invalid_response(
                endpoint,
                "the answer has no access_token",
            )),
        }
    }

    /// The access token's lifetime from `now` (epoch seconds): `expires_in`, else `expires_on -
    /// now`, else MSAL's default of 600 seconds.
    pub fn lifetime_secs(&self, now: u64) -> u64 {
        self.expires_in
            .or_else(|| self.expires_on.map(|on| on.saturating_sub(now)))
            .unwrap_or(600)
    }
}

/// The account from an ID token's claims and `client_info`.
fn account_of(
    claims: &serde_json::Map<String, Value>,
    client_info: Option<ClientInfo>,
) -> TokenAccount {
    use crate::oauth::claims::{claim_str, username};
    let has_client_info = client_info.is_some();
    TokenAccount {
        username: username(claims).unwrap_or_default().to_string(),
        home_account_id: client_info
            .as_ref()
            .map(ClientInfo::home_account_id)
            .or_else(|| claim_str(claims, "sub").map(str::to_string)),
        tenant_id: claim_str(claims, "tid")
            .map(str::to_string)
            .or_else(|| client_info.map(|c| c.utid)),
        local_account_id: claim_str(claims, "oid")
            .or_else(|| claim_str(claims, "sub"))
            .map(str::to_string),
        has_client_info,
    }
}

/// Numbers arrive as JSON numbers or as strings ("3599"), depending on the endpoint.
fn number(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads an Entra error body, if the answer is one. Its texts are made [`terminal_safe`]: they
/// end up in messages on a terminal.
pub fn parse_server_error(response: &HttpResponse) -> Option<ServerError> {
    let v: Value = serde_json::from_slice(&response.body).ok()?;
    let string = |v: Option<&Value>| string(v).map(|s| terminal_safe(&s).into_owned());
    let error = terminal_safe(v.get("error")?.as_str()?).into_owned();
    let error_description = string(v.get("error_description")).unwrap_or_default();
    if error.is_empty() && error_description.is_empty() {
        // Nothing to show the user: not an Entra error, whatever its shape.
        return None;
    }
    Some(ServerError {
        error,
        error_description,
        error_codes: v
            .get("error_codes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|c| number(Some(c))).collect())
            .unwrap_or_default(),
        suberror: string(v.get("suberror")),
        trace_id: string(v.get("trace_id")),
        correlation_id: string(v.get("correlation_id")),
        claims: string(v.get("claims")),
        status: response.status,
    })
}

/// Parses the answer of a grant that must return an access token (refresh token, client
/// credentials).
pub fn parse_access_token_response(
    response: &HttpResponse,
    endpoint: &str,
) -> Result<AccessTokenResponse> {
    parse_token_response(response, endpoint)?.with_access_token(endpoint)
}

/// Parses a token endpoint answer: tokens on success, the Entra error as data otherwise.
pub fn parse_token_response(response: &HttpResponse, endpoint: &str) -> Result<TokenResponse> {
    if let Some(err) = parse_server_error(response) {
        return Err(Error::from_server(err));
    }
    if (300..400).contains(&response.status) {
        // Only the host is named: the rest of a redirect target may carry anything.
        let target = response
            .header("location")
            .and_then(|l| url::Url::parse(l).ok())
            .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
            .unwrap_or_else(|| "an unreadable location".to_string());
        return Err(Error::invalid_response(
            endpoint,
            format!(
                "the server redirected the request to {target} (HTTP {}); token requests never follow redirects",
                response.status
            ),
        ));
    }
    if !(200..300).contains(&response.status) {
        return Err(Error::invalid_response(
            endpoint,
            format!(
                "HTTP {} with a body that is not an Entra error",
                response.status
            ),
        ));
    }
    let v: Value = serde_json::from_slice(&response.body)
        .map_err(|e| Error::invalid_response(endpoint, format!("the body is not JSON ({e})")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| Error::invalid_response(endpoint, "the body is not a JSON object"))?;
    let secret = |k: &str| obj.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let parsed = TokenResponse {
        access_token: secret("access_token").map(AccessToken::new),
        token_type: string(obj.get("token_type")),
        expires_in: number(obj.get("expires_in")),
        ext_expires_in: number(obj.get("ext_expires_in")),
        refresh_in: number(obj.get("refresh_in")),
        expires_on: number(obj.get("expires_on")),
        refresh_token: secret("refresh_token").map(RefreshToken::new),
        id_token: secret("id_token").map(IdToken::new),
        client_info: string(obj.get("client_info")),
        scope: string(obj.get("scope")),
        foci: string(obj.get("foci")),
    };
    if parsed.access_token.is_none() && parsed.id_token.is_none() {
        return Err(Error::invalid_response(
            endpoint,
            "the answer has no access_token",
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::{AZURE_CLI_CLIENT_ID, CP1_CLAIMS};

    fn ctx(tenant: Option<&str>) -> TokenContext {
        TokenContext {
            authority: Authority::new("https://login.microsoftonline.com", tenant),
            client_id: AZURE_CLI_CLIENT_ID.into(),
            claims: Some(CP1_CLAIMS.into()),
        }
    }

    fn arm() -> Vec<String> {
        vec!["https://management.core.windows.net//.default".into()]
    }

    const CLAIMS_ENC: &str =
        "%7B%22access_token%22%3A+%7B%22xms_cc%22%3A+%7B%22values%22%3A+%5B%22CP1%22%5D%7D%7D%7D";
    const SCOPE_ENC: &str =
        "https%3A%2F%2Fmanagement.core.windows.net%2F%2F.default+openid+profile+offline_access";

    #[test]
    fn account_comes_from_client_info_and_the_id_token() {
        use crate::oauth::claims::base64url_encode;
        let id = format!(
            "e30.{}.s",
            base64url_encode(br#"{"preferred_username":"u@x","tid":"t2","sub":"s"}"#)
        );
        let body = format!(
            r#"{{"access_token":"a","id_token":"{id}","client_info":"{}"}}"#,
            base64url_encode(br#"{"uid":"u1","utid":"t1"}"#)
        );
        let r = parse_token_response(&HttpResponse::new(200, body), "e").expect("tokens");
        let a = r.account();
        assert_eq!(a.username, "u@x");
        assert_eq!(a.home_account_id.as_deref(), Some("u1.t1"));
        assert_eq!(a.tenant_id.as_deref(), Some("t2"));
        let bare = parse_token_response(&HttpResponse::new(200, r#"{"access_token":"a"}"#), "e")
            .expect("tokens");
        assert_eq!(bare.account().home_account_id, None);
        assert_eq!(a.local_account_id.as_deref(), Some("s"), "no oid: the sub");
        assert!(a.has_client_info && !bare.account().has_client_info);
        // A sign-in must name its account; the same reading, strictly.
        assert_eq!(r.signed_in_account("e").expect("account"), a);
        let missing = bare
            .signed_in_account("https://h/token")
            .expect_err("no client_info");
        assert_eq!(
            missing.to_string(),
            "Invalid response from https://h/token: the answer has no client_info"
        );
        let unreadable = TokenResponse {
            id_token: Some(IdToken::new("not-a-jwt")),
            client_info: r.client_info.clone(),
            ..TokenResponse::default()
        };
        let err = unreadable.signed_in_account("e").expect_err("bad id token");
        assert!(
            err.to_string().contains("the ID token is unreadable"),
            "{err}"
        );
    }

    #[test]
    fn grants_that_must_return_an_access_token_have_one_by_type() {
        let with = parse_access_token_response(
            &HttpResponse::new(200, r#"{"access_token":"a","expires_in":60}"#),
            "e",
        )
        .expect("tokens");
        assert_eq!(with.access_token.secret(), "a");
        assert_eq!(with.response.expires_in, Some(60));
        // An ID token alone is a valid sign-in answer, but not a refresh or an app's token.
        let id_only = HttpResponse::new(200, r#"{"id_token":"e30.e30.s"}"#);
        assert!(parse_token_response(&id_only, "e").is_ok());
        let err = parse_access_token_response(&id_only, "https://h/token").expect_err("no AT");
        assert_eq!(err.code(), "invalid_response");
        assert_eq!(
            err.to_string(),
            "Invalid response from https://h/token: the answer has no access_token"
        );
    }

    #[test]
    fn password_request_is_exact() {
        let r =
            ctx(None).password_request(&arm(), "user@contoso.example", &Password::new("P@ss w&rd"));
        assert_eq!(
            r.url,
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
        );
        assert_eq!(
            r.form.as_deref(),
            Some(
                format!(
                    "grant_type=password&username=user%40contoso.example&password=P%40ss+w%26rd&scope={SCOPE_ENC}&client_id={AZURE_CLI_CLIENT_ID}&client_info=1&claims={CLAIMS_ENC}"
                )
                .as_str()
            )
        );
        assert_eq!(
            r.headers,
            vec![(
                "X-AnchorMailbox".to_string(),
                "upn:user@contoso.example".to_string()
            )]
        );
    }

    #[test]
    fn refresh_request_is_exact_and_anchored() {
        let ci = ClientInfo {
            uid: "o1".into(),
            utid: "t1".into(),
        };
        let r = ctx(Some("T-1")).refresh_request(&arm(), &RefreshToken::new("rt/1"), Some(&ci));
        assert_eq!(
            r.url,
            "https://login.microsoftonline.com/t-1/oauth2/v2.0/token"
        );
        assert_eq!(
            r.form.as_deref(),
            Some(
                format!(
                    "grant_type=refresh_token&refresh_token=rt%2F1&scope={SCOPE_ENC}&client_id={AZURE_CLI_CLIENT_ID}&client_info=1&claims={CLAIMS_ENC}"
                )
                .as_str()
            )
        );
        assert_eq!(
            r.headers,
            vec![("X-AnchorMailbox".to_string(), "Oid:o1@t1".to_string())]
        );
    }

    #[test]
    fn device_code_poll_sends_the_code_twice() {
        let r = ctx(None).device_code_poll_request(&crate::secret::DeviceCode::new("DC"));
        assert_eq!(
            r.form.as_deref(),
            Some(
                format!(
                    "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=DC&code=DC&client_id={AZURE_CLI_CLIENT_ID}&client_info=1&claims={CLAIMS_ENC}"
                )
                .as_str()
            )
        );
    }

    #[test]
    fn client_credentials_request_is_app_only() {
        let r = client_credentials_request(
            &Authority::new("https://login.microsoftonline.com", Some("t1")),
            "app",
            &ClientCredential::Secret(ClientSecret::new("s3cr=t")),
            &arm(),
            None,
        );
        assert_eq!(
            r.form.as_deref(),
            Some(
                "grant_type=client_credentials&client_id=app&client_secret=s3cr%3Dt&scope=https%3A%2F%2Fmanagement.core.windows.net%2F%2F.default"
            )
        );
    }

    #[test]
    fn authorization_code_request_carries_the_verifier() {
        let r = ctx(None).authorization_code_request(
            &arm(),
            &crate::secret::AuthorizationCode::new("c0de/+="),
            "http://localhost:5000",
            crate::secret::PkceVerifier::new("v3rifier-._"),
            None,
        );
        assert_eq!(
            r.url,
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
        );
        assert_eq!(r.method, crate::http::Method::Post);
        // Every parameter, in MSAL's order, each encoded exactly once.
        assert_eq!(
            r.form.as_deref(),
            Some(
                format!(
                    "grant_type=authorization_code&code=c0de%2F%2B%3D&redirect_uri=http%3A%2F%2Flocalhost%3A5000&code_verifier=v3rifier-._&scope={SCOPE_ENC}&client_id={AZURE_CLI_CLIENT_ID}&client_info=1&claims={CLAIMS_ENC}"
                )
                .as_str()
            )
        );
        // Without a known account there is nothing to anchor to: no extra headers at all.
        assert_eq!(r.headers, Vec::<(String, String)>::new());
    }

    #[test]
    fn authorization_code_request_is_anchored_to_the_account() {
        let ci = ClientInfo {
            uid: "0b1d".into(),
            utid: "7e4a".into(),
        };
        let r = TokenContext {
            claims: None,
            ..ctx(Some("Contoso.Example"))
        }
        .authorization_code_request(
            &["https://vault.azure.net/user_impersonation".to_string()],
            &crate::secret::AuthorizationCode::new("code"),
            "http://localhost:43123",
            crate::secret::PkceVerifier::new("abc"),
            Some(&ci),
        );
        assert_eq!(
            r.url,
            "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token"
        );
        // No claims parameter when none is configured (AZURE_IDENTITY_DISABLE_CP1).
        assert_eq!(
            r.form.as_deref(),
            Some(
                format!(
                    "grant_type=authorization_code&code=code&redirect_uri=http%3A%2F%2Flocalhost%3A43123&code_verifier=abc&scope=https%3A%2F%2Fvault.azure.net%2Fuser_impersonation+openid+profile+offline_access&client_id={AZURE_CLI_CLIENT_ID}&client_info=1"
                )
                .as_str()
            )
        );
        assert_eq!(
            r.headers,
            vec![("X-AnchorMailbox".to_string(), "Oid:0b1d@7e4a".to_string())]
        );
    }

    #[test]
    fn claims_merge_like_msal() {
        assert_eq!(
            merge_claims(None, true).expect("ok").as_deref(),
            Some(CP1_CLAIMS)
        );
        assert_eq!(merge_claims(None, false).expect("ok"), None);
        let merged = merge_claims(
            Some(r#"{"access_token":{"nbf":{"essential":true,"value":"1"},"xms_cc":{"values":["X"]}}}"#),
            true,
        )
        .expect("ok");
        assert_eq!(
            merged.as_deref(),
            Some(
                r#"{"access_token": {"nbf": {"essential": true, "value": "1"}, "xms_cc": {"values": ["CP1"]}}}"#
            )
        );
        assert!(merge_claims(Some("[1]"), true).is_err());
    }

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, body)
    }

    #[test]
    fn parses_a_real_shaped_token_answer() {
        let body = r#"{"token_type":"Bearer","scope":"https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default","expires_in":"4799","ext_expires_in":4799,"access_token":"eyJ0.x.y","refresh_token":"1.AQ.r","foci":"1","id_token":"eyJ.a.b","client_info":"eyJ1aWQiOiJ1IiwidXRpZCI6InQifQ"}"#;
        let t = parse_token_response(&resp(200, body), "e").expect("ok");
        assert_eq!(t.expires_in, Some(4799));
        assert_eq!(t.ext_expires_in, Some(4799));
        assert_eq!(t.foci.as_deref(), Some("1"));
        assert_eq!(
            t.refresh_token.as_ref().map(RefreshToken::secret),
            Some("1.AQ.r")
        );
        assert!(
            t.scope
                .as_deref()
                .is_some_and(|s| s.contains("user_impersonation"))
        );
    }

    #[test]
    fn parses_entra_errors_as_data() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '797f4846-ba00-4fd7-ba43-dac1f8f63013'. Trace ID: 69b6 Correlation ID: f15c Timestamp: 2026-11-25 02:03:54Z","error_codes":[50076],"timestamp":"2026-11-25 02:03:54Z","trace_id":"69b6","correlation_id":"f15c","error_uri":"https://login.microsoftonline.com/error?code=50076","suberror":"basic_action","claims":"{\"access_token\":{\"capolids\":{\"essential\":true,\"values\":[\"x\"]}}}"}"#;
        let err = parse_token_response(&resp(400, body), "e").expect_err("error");
        assert_eq!(err.code(), "mfa_required");
        let se = err.server_error().expect("server error");
        assert_eq!(se.error_codes, vec![50076]);
        assert_eq!(se.suberror.as_deref(), Some("basic_action"));
        assert_eq!(se.trace_id.as_deref(), Some("69b6"));
        assert!(se.claims.as_deref().is_some_and(|c| c.contains("capolids")));
        assert!(err.to_string().starts_with("AADSTS50076: Due to"));
    }

    #[test]
    fn control_characters_in_entra_errors_are_replaced_and_crlf_kept() {
        let body = r#"{"error":"invalid_grant\u009b2J","error_description":"AADSTS50126: Error validating credentials.\u001b[2J\u001b]0;owned\u0007\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[50126],"trace_id":"1\u001b[0m","claims":"{\u007f}"}"#;
        let err = parse_token_response(&resp(400, body), "e").expect_err("error");
        let se = err.server_error().expect("server error");
        assert_eq!(se.error, "invalid_grant\u{FFFD}2J");
        assert_eq!(
            err.to_string(),
            "AADSTS50126: Error validating credentials.\u{FFFD}[2J\u{FFFD}]0;owned\u{FFFD}\r\nTrace ID: 1\r\nCorrelation ID: 2"
        );
        assert_eq!(se.trace_id.as_deref(), Some("1\u{FFFD}[0m"));
        assert_eq!(se.claims.as_deref(), Some("{\u{FFFD}}"));
        // An ordinary answer keeps every byte, its \r\n included.
        let ordinary = r#"{"error":"invalid_grant","error_description":"AADSTS50126: Error validating credentials due to invalid username or password.\r\nTrace ID: 3\r\nCorrelation ID: 4\r\nTimestamp: 2026-11-25 02:03:54Z","error_codes":[50126]}"#;
        let err = parse_token_response(&resp(400, ordinary), "e").expect_err("error");
        assert_eq!(
            err.to_string(),
            "AADSTS50126: Error validating credentials due to invalid username or password.\r\nTrace ID: 3\r\nCorrelation ID: 4\r\nTimestamp: 2026-11-25 02:03:54Z"
        );
    }

    #[test]
    fn non_json_and_empty_answers_are_invalid_responses() {
        let html = parse_token_response(&resp(502, "<html>Bad gateway</html>"), "https://x/token")
            .expect_err("e");
        assert_eq!(html.code(), "invalid_response");
        assert!(html.to_string().contains("https://x/token") && html.to_string().contains("502"));
        let empty = parse_token_response(&resp(200, "{}"), "e").expect_err("e");
        assert_eq!(empty.code(), "invalid_response");
        let truncated =
            parse_token_response(&resp(200, "{\"access_token\":\"a"), "e").expect_err("e");
        assert_eq!(truncated.code(), "invalid_response");
    }
}
