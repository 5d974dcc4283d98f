//! MSAL's and @azure/identity's way of saying where a login goes: `authorityHost` (a login
//! endpoint) and `authority` (a login endpoint and a tenant), read once for both JavaScript faces.

use super::keys::{ObjectReader, disagree};
use crate::cloud::same_endpoint;
use crate::error::{Error, Result};

/// The login endpoint and tenant an options object names, every spelling reconciled.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AuthorityChoice {
    /// The login endpoint (`authorityHost`, or the host part of `authority`).
    pub login_endpoint: Option<String>,
    /// The tenant (`tenant`, `tenantId`, or the tenant part of `authority`).
    pub tenant: Option<String>,
}

impl AuthorityChoice {
    /// Reads `authority`, the login endpoint's spellings `endpoint_keys` and `tenant`/`tenantId`
    /// from an already checked object; spellings that disagree are a `usage_error`.
    pub fn read(o: &ObjectReader<'_>, endpoint_keys: &[&str]) -> Result<Self> {
        let mut login_endpoint = o.agreeing(endpoint_keys, ObjectReader::string)?;
        let mut tenant = o.agreeing(&["tenant", "tenantId"], ObjectReader::string)?;
        if let Some(authority) = o.string("authority")? {
            let (host, authority_tenant) = parse_authority(&authority)?;
            match &login_endpoint {
                Some(e) if !same_endpoint(e, &host) => {
                    return Err(disagree(
                        "authority",
                        endpoint_keys.first().unwrap_or(&"authorityHost"),
                    ));
                }
                _ => login_endpoint = Some(host),
            }
            match (&tenant, authority_tenant) {
                (Some(t), Some(a)) if !t.eq_ignore_ascii_case(&a) => {
                    return Err(disagree("authority", "tenant"));
                }
                (None, a) => tenant = a,
                _ => {}
            }
        }
        Ok(Self {
            login_endpoint,
            tenant,
        })
    }
}

/// MSAL's `authority`: a login endpoint and a tenant, e.g.
/// `https://login.microsoftonline.com/organizations` → (`https://login.microsoftonline.com`,
/// `organizations`). An AD FS authority (`…/adfs`) has no tenant.
pub fn parse_authority(authority: &str) -> Result<(String, Option<String>)> {
    let bad = || {
        Error::Usage(format!(
            "`authority` must be a login endpoint and a tenant, e.g. https://login.microsoftonline.com/organizations (got '{authority}')"
        ))
    };
    let url = url::Url::parse(authority).map_err(|_| bad())?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(bad());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad());
    }
    let path = url.path().trim_end_matches('/');
    if path.eq_ignore_ascii_case("/adfs") {
        return Ok((authority.trim_end_matches('/').to_string(), None));
    }
    let (base, tenant) = path.rsplit_once('/').ok_or_else(bad)?;
    if tenant.is_empty() {
        return Err(bad());
    }
    let origin = url.origin().ascii_serialization();
    Ok((format!("{origin}{base}"), Some(tenant.to_string())))
}
