//! The authority: the login endpoint plus a tenant, and the endpoints derived from it.

/// `{login_endpoint}/{tenant}`, lower-cased, no trailing slash; ADFS has no tenant segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authority {
    login_endpoint: String,
    tenant: String,
}

impl Authority {
    /// The authority for `tenant` (`organizations` when `None`) at `login_endpoint`.
    pub fn new(login_endpoint: &str, tenant: Option<&str>) -> Self {
        let login_endpoint = login_endpoint.trim_end_matches('/').to_ascii_lowercase();
        let tenant = if login_endpoint.ends_with("/adfs") {
            String::new()
        } else {
            tenant.unwrap_or("organizations").to_ascii_lowercase()
        };
        Self {
            login_endpoint,
            tenant,
        }
    }

    /// Whether this is an ADFS authority.
    pub fn is_adfs(&self) -> bool {
        self.login_endpoint.ends_with("/adfs")
    }

    /// The tenant path segment (`organizations`, a GUID, a domain; `adfs` for ADFS).
    pub fn tenant(&self) -> &str {
        if self.is_adfs() { "adfs" } else { &self.tenant }
    }

    /// The cache "realm" of tokens from this authority: the tenant path segment.
    pub fn realm(&self) -> &str {
        self.tenant()
    }

    /// The host without port — MSAL's cache "environment" (Python's `urlparse().hostname`).
    pub fn environment(&self) -> String {
        url::Url::parse(&self.login_endpoint)
            .ok()
            .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_string()))
            .unwrap_or_default()
    }

    /// `{login}/{tenant}` (no trailing slash).
    pub fn url(&self) -> String {
        if self.is_adfs() {
            self.login_endpoint.clone()
        } else {
            format!("{}/{}", self.login_endpoint, self.tenant)
        }
    }

    /// The login endpoint this authority lives on.
    pub fn login_endpoint(&self) -> &str {
        &self.login_endpoint
    }

    /// The token endpoint.
    pub fn token_endpoint(&self) -> String {
        if self.is_adfs() {
            format!("{}/oauth2/token", self.url())
        } else {
            format!("{}/oauth2/v2.0/token", self.url())
        }
    }

    /// The device authorization endpoint.
    pub fn device_code_endpoint(&self) -> String {
        if self.is_adfs() {
            format!("{}/oauth2/devicecode", self.url())
        } else {
            format!("{}/oauth2/v2.0/devicecode", self.url())
        }
    }

    /// The authorization endpoint (browser login).
    pub fn authorize_endpoint(&self) -> String {
        if self.is_adfs() {
            format!("{}/oauth2/authorize", self.url())
        } else {
            format!("{}/oauth2/v2.0/authorize", self.url())
        }
    }

    /// The OpenID Connect metadata document.
    pub fn openid_configuration_url(&self) -> String {
        if self.is_adfs() {
            format!("{}/.well-known/openid-configuration", self.url())
        } else {
            format!("{}/v2.0/.well-known/openid-configuration", self.url())
        }
    }

    /// The same login endpoint with another tenant.
    pub fn with_tenant(&self, tenant: &str) -> Authority {
        Authority::new(&self.login_endpoint, Some(tenant))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_and_environment() {
        let a = Authority::new("https://login.microsoftonline.com/", None);
        assert_eq!(a.url(), "https://login.microsoftonline.com/organizations");
        assert_eq!(
            a.token_endpoint(),
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
        );
        assert_eq!(
            a.device_code_endpoint(),
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode"
        );
        assert_eq!(a.environment(), "login.microsoftonline.com");
        assert_eq!(a.realm(), "organizations");
        let t = Authority::new("https://localhost:8443", Some("Contoso.Example"));
        assert_eq!(t.url(), "https://localhost:8443/contoso.example");
        assert_eq!(t.environment(), "localhost");
        assert_eq!(
            t.openid_configuration_url(),
            "https://localhost:8443/contoso.example/v2.0/.well-known/openid-configuration"
        );
        let adfs = Authority::new("https://adfs.contoso.com/adfs", Some("x"));
        assert!(adfs.is_adfs());
        assert_eq!(adfs.realm(), "adfs");
        assert_eq!(
            adfs.token_endpoint(),
            "https://adfs.contoso.com/adfs/oauth2/token"
        );
    }
}
