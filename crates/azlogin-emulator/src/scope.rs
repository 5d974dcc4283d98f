//! What a `scope` parameter asks for: one resource, its permissions, and the OIDC extras.

use super::errors::Failure;

/// The resource Entra picks when only OIDC scopes are asked for.
const GRAPH: &str = "https://graph.microsoft.com";

/// A parsed scope request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScopeRequest {
    /// The access token's audience, e.g. `https://localhost:8443/` for
    /// `https://localhost:8443//.default`.
    pub(crate) resource: String,
    /// The `scp` claim.
    pub(crate) scp: String,
    /// The `scope` of the token answer.
    pub(crate) granted: String,
    /// Whether `openid` was asked for (an ID token is returned).
    pub(crate) openid: bool,
    /// Whether the request was `<resource>/.default`.
    pub(crate) default: bool,
}

const OIDC: &[&str] = &["openid", "profile", "offline_access", "email"];

/// Parses `scope`: every non-OIDC scope must name the same resource, and `.default` stands alone.
pub(crate) fn parse(scope: &str) -> Result<ScopeRequest, Failure> {
    let all: Vec<&str> = scope.split_whitespace().collect();
    let openid = all.contains(&"openid");
    let resource_scopes: Vec<&str> = all
        .iter()
        .copied()
        .filter(|s| !OIDC.contains(&s.to_ascii_lowercase().as_str()))
        .collect();
    if resource_scopes.is_empty() {
        // Only OIDC scopes: Entra issues a Microsoft Graph token for the user's profile.
        return Ok(ScopeRequest {
            resource: GRAPH.to_string(),
            scp: "User.Read openid profile".to_string(),
            granted: format!("{GRAPH}/User.Read openid profile"),
            openid,
            default: false,
        });
    }
    let mut resource: Option<&str> = None;
    let mut perms = Vec::new();
    for s in &resource_scopes {
        let (res, perm) = match s.rsplit_once('/') {
            Some((r, p)) if !r.is_empty() && !p.is_empty() => (r, p),
            // A bare permission such as `User.Read` is a Graph permission.
            _ => (GRAPH, *s),
        };
        match resource {
            None => resource = Some(res),
            Some(prev) if prev == res => {}
            Some(_) => return Err(Failure::incompatible_scopes(scope)),
        }
        perms.push(perm);
    }
    let resource = resource.unwrap_or(GRAPH).to_string();
    let default = perms.contains(&".default");
    if default && perms.len() > 1 {
        return Err(Failure::incompatible_scopes(scope));
    }
    if default {
        return Ok(ScopeRequest {
            granted: format!("{resource}/user_impersonation {resource}/.default"),
            scp: "user_impersonation".to_string(),
            resource,
            openid,
            default,
        });
    }
    Ok(ScopeRequest {
        granted: resource_scopes.join(" "),
        scp: perms.join(" "),
        resource,
        openid,
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_default_scope_keeps_the_double_slash() {
        let s =
            parse("https://localhost:8443//.default openid profile offline_access").expect("ok");
        assert_eq!(s.resource, "https://localhost:8443/");
        assert_eq!(
            s.granted,
            "https://localhost:8443//user_impersonation https://localhost:8443//.default"
        );
        assert_eq!(s.scp, "user_impersonation");
        assert!(s.openid && s.default);
    }

    #[test]
    fn explicit_scopes_are_echoed() {
        let s = parse("https://vault.example/user_impersonation https://vault.example/read")
            .expect("ok");
        assert_eq!(s.resource, "https://vault.example");
        assert_eq!(s.scp, "user_impersonation read");
        assert_eq!(
            s.granted,
            "https://vault.example/user_impersonation https://vault.example/read"
        );
        assert!(!s.openid);
        let graph = parse("User.Read openid").expect("ok");
        assert_eq!(graph.resource, "https://graph.microsoft.com");
        let oidc_only = parse("openid profile offline_access").expect("ok");
        assert_eq!(oidc_only.resource, "https://graph.microsoft.com");
    }

    #[test]
    fn mixed_resources_are_refused() {
        let e =
            parse("https://a.example/.default https://b.example/.default").expect_err("refused");
        assert_eq!(e.code, 70011);
        assert!(parse("https://a.example/.default https://a.example/read").is_err());
    }
}
