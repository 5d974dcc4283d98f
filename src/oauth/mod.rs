//! OAuth 2.0 / OpenID Connect against Microsoft Entra ID, sans I/O: request builders and answer
//! parsers. Nothing here sends, sleeps, reads the clock or draws random bytes.

pub mod authority;
pub mod authorize;
pub mod claims;
pub mod client_assertion;
pub mod device_code;
pub mod landing;
pub mod loopback;
pub mod managed_identity;
pub mod metadata;
pub mod pkce;
pub mod token;
pub mod user_realm;

pub use authority::Authority;

/// The Azure CLI's public client id (a FOCI family member), shared so az and azlogin share tokens.
pub const AZURE_CLI_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/// The scopes MSAL adds to every user flow.
pub const OIDC_SCOPES: [&str; 3] = ["openid", "profile", "offline_access"];

/// The client-capabilities claim az sends (CAE, "CP1"), as Python's `json.dumps` writes it.
pub const CP1_CLAIMS: &str = r#"{"access_token": {"xms_cc": {"values": ["CP1"]}}}"#;

/// `resource` → its `/.default` scope, always appending (so a trailing `/` gives `//.default`).
pub fn resource_to_scope(resource: &str) -> String {
    format!("{resource}/.default")
}

/// A `/.default` scope → its resource (`https://x//.default` → `https://x/`).
pub fn scope_to_resource(scope: &str) -> &str {
    scope.strip_suffix("/.default").unwrap_or(scope)
}

/// The scopes to request in a user flow: the caller's, then the OIDC ones not already present.
pub fn decorate_scopes(scopes: &[String]) -> String {
    let mut all: Vec<&str> = scopes.iter().map(String::as_str).collect();
    for s in OIDC_SCOPES {
        if !all.contains(&s) {
            all.push(s);
        }
    }
    all.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_scope_keeps_the_double_slash() {
        assert_eq!(
            resource_to_scope("https://management.core.windows.net/"),
            "https://management.core.windows.net//.default"
        );
        assert_eq!(
            resource_to_scope("https://vault.azure.net"),
            "https://vault.azure.net/.default"
        );
        assert_eq!(
            scope_to_resource("https://management.core.windows.net//.default"),
            "https://management.core.windows.net/"
        );
        assert_eq!(
            decorate_scopes(&["a/.default".to_string(), "openid".to_string()]),
            "a/.default openid profile offline_access"
        );
    }
}
