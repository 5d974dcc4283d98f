//! Azure Resource Manager: the tenant and subscription lists az's login reads, sans I/O.

use serde_json::Value;

use crate::error::{Error, Result, terminal_safe};
use crate::http::{HttpRequest, HttpResponse, endpoint_of};
use crate::secret::AccessToken;

/// The api-version az 2.91 uses for tenants and subscriptions.
pub const API_VERSION: &str = "2022-12-01";

/// A tenant from `GET /tenants`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tenant {
    /// The tenant GUID.
    pub tenant_id: String,
    /// Its display name, when ARM gives one.
    pub display_name: Option<String>,
    /// Its default domain.
    pub default_domain: Option<String>,
}

impl Tenant {
    /// A tenant known only by its id.
    pub fn with_id(tenant_id: &str) -> Self {
        Self {
            tenant_id: tenant_id.into(),
            display_name: None,
            default_domain: None,
        }
    }

    /// az's way of naming a tenant in messages: `<tid> '<displayName>'`, or just `<tid>`; both
    /// come from ARM, so control characters are replaced ([`terminal_safe`]).
    pub fn id_and_name(&self) -> String {
        let id = terminal_safe(&self.tenant_id);
        match self.display_name.as_deref().filter(|n| !n.is_empty()) {
            Some(name) => format!("{id} '{}'", terminal_safe(name)),
            None => id.into_owned(),
        }
    }
}

/// A subscription from `GET /subscriptions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArmSubscription {
    /// The subscription GUID.
    pub subscription_id: String,
    /// Its display name.
    pub display_name: Option<String>,
    /// `Enabled`, `Disabled`, `Warned`, `PastDue`, `Deleted`.
    pub state: Option<String>,
    /// The subscription's home tenant.
    pub tenant_id: Option<String>,
    /// Tenants that manage it (Lighthouse); `None` when ARM sends null.
    pub managed_by_tenants: Option<Vec<String>>,
}

/// One page of a list, with the link to the next.
#[derive(Debug)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The absolute URL of the next page.
    pub next_link: Option<String>,
}

fn base(arm_endpoint: &str) -> &str {
    arm_endpoint.trim_end_matches('/')
}

fn authorized(url: String, token: &AccessToken) -> HttpRequest {
    HttpRequest::get(url).header("Authorization", format!("Bearer {}", token.secret()))
}

/// `GET {arm}/tenants`.
pub fn tenants_request(arm_endpoint: &str, token: &AccessToken) -> HttpRequest {
    authorized(
        format!("{}/tenants?api-version={API_VERSION}", base(arm_endpoint)),
        token,
    )
}

/// `GET {arm}/subscriptions`.
pub fn subscriptions_request(arm_endpoint: &str, token: &AccessToken) -> HttpRequest {
    authorized(
        format!(
            "{}/subscriptions?api-version={API_VERSION}",
            base(arm_endpoint)
        ),
        token,
    )
}

/// `GET {arm}/subscriptions/{id}`.
pub fn subscription_request(
    arm_endpoint: &str,
    subscription_id: &str,
    token: &AccessToken,
) -> HttpRequest {
    authorized(
        format!(
            "{}/subscriptions/{subscription_id}?api-version={API_VERSION}",
            base(arm_endpoint)
        ),
        token,
    )
}

/// The next page of a list.
pub fn next_page_request(next_link: &str, token: &AccessToken) -> HttpRequest {
    authorized(next_link.to_string(), token)
}

mod wire;

use wire::{WirePage, WireSubscription, WireTenant};

/// Turns an ARM error answer into an error; `Ok(())` for a 2xx answer.
fn check_status(response: &HttpResponse, url: &str) -> Result<()> {
    if (200..300).contains(&response.status) {
        return Ok(());
    }
    let detail = serde_json::from_slice::<Value>(&response.body)
        .ok()
        .and_then(|v| {
            let e = v.get("error")?;
            let code = e.get("code").and_then(Value::as_str).unwrap_or("Error");
            let message = e.get("message").and_then(Value::as_str).unwrap_or_default();
            Some(format!(
                "({}) {}",
                terminal_safe(code),
                terminal_safe(message)
            ))
        });
    Err(Error::Arm {
        status: response.status,
        message: detail
            .unwrap_or_else(|| format!("{} answered HTTP {}", endpoint_of(url), response.status)),
    })
}

/// Reads a 2xx body as `T`, naming the endpoint when it is not JSON or not ARM's shape.
fn read_body<T: serde::de::DeserializeOwned>(response: &HttpResponse, url: &str) -> Result<T> {
    check_status(response, url)?;
    serde_json::from_slice(&response.body).map_err(|e| {
        let what = if e.is_data() {
            "the answer is not the list ARM sends"
        } else {
            "the body is not JSON"
        };
        Error::invalid_response(endpoint_of(url), format!("{what} ({e})"))
    })
}

fn page<W: serde::de::DeserializeOwned, T>(
    response: &HttpResponse,
    url: &str,
    item: impl Fn(W) -> Option<T>,
) -> Result<Page<T>> {
    let wire: WirePage<W> = read_body(response, url)?;
    let endpoint = endpoint_of(url);
    let values = wire
        .value
        .ok_or_else(|| Error::invalid_response(endpoint, "the answer has no 'value' list"))?;
    let items = values
        .into_iter()
        .map(|x| {
            item(x).ok_or_else(|| Error::invalid_response(endpoint, "a list item lacks its id"))
        })
        .collect::<Result<Vec<T>>>()?;
    let next_link = wire.next_link.filter(|s| !s.is_empty());
    Ok(Page { items, next_link })
}

/// The id itself, else the last segment of the resource `id` path.
fn id_or_last_segment(id: Option<String>, path: Option<String>) -> Option<String> {
    id.or_else(|| path.map(|p| p.rsplit('/').next().unwrap_or_default().to_string()))
        .filter(|s| !s.is_empty())
}

/// Parses a page of `GET /tenants`.
pub fn parse_tenants_page(response: &HttpResponse, url: &str) -> Result<Page<Tenant>> {
    page(response, url, |t: WireTenant| {
        Some(Tenant {
            tenant_id: id_or_last_segment(t.tenant_id, t.id)?,
            display_name: t.display_name,
            default_domain: t.default_domain,
        })
    })
}

fn parse_subscription(s: WireSubscription) -> Option<ArmSubscription> {
    let managed_by_tenants = match s.managed_by_tenants {
        Some(Value::Array(list)) => Some(
            list.iter()
                .filter_map(|t| t.get("tenantId").and_then(Value::as_str))
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    };
    Some(ArmSubscription {
        subscription_id: id_or_last_segment(s.subscription_id, s.id)?,
        display_name: s.display_name,
        state: s.state,
        tenant_id: s.tenant_id,
        managed_by_tenants,
    })
}

/// Parses a page of `GET /subscriptions`.
pub fn parse_subscriptions_page(
    response: &HttpResponse,
    url: &str,
) -> Result<Page<ArmSubscription>> {
    page(response, url, parse_subscription)
}

/// Parses `GET /subscriptions/{id}`.
pub fn parse_subscription_response(response: &HttpResponse, url: &str) -> Result<ArmSubscription> {
    let wire: WireSubscription = read_body(response, url)?;
    parse_subscription(wire)
        .ok_or_else(|| Error::invalid_response(endpoint_of(url), "the answer lacks subscriptionId"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, body)
    }

    #[test]
    fn builds_requests_with_bearer_tokens() {
        let r = tenants_request("https://management.azure.com/", &AccessToken::new("tok"));
        assert_eq!(
            r.url,
            "https://management.azure.com/tenants?api-version=2022-12-01"
        );
        assert_eq!(
            r.headers,
            vec![("Authorization".to_string(), "Bearer tok".to_string())]
        );
        let s = subscription_request(
            "https://management.azure.com",
            "abc",
            &AccessToken::new("t"),
        );
        assert_eq!(
            s.url,
            "https://management.azure.com/subscriptions/abc?api-version=2022-12-01"
        );
    }

    #[test]
    fn parses_pages_and_next_links() {
        let body = r#"{"value":[{"id":"/tenants/t1","tenantId":"t1","displayName":"Contoso","defaultDomain":"contoso.example","tenantCategory":"Home","domains":["contoso.example"]},{"id":"/tenants/t2"}],"nextLink":"https://management.azure.com/tenants?api-version=2022-12-01&$skiptoken=x"}"#;
        let p = parse_tenants_page(&resp(200, body), "u").expect("page");
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.items[0].id_and_name(), "t1 'Contoso'");
        assert_eq!(p.items[1].id_and_name(), "t2");
        assert!(p.next_link.is_some_and(|l| l.ends_with("skiptoken=x")));
        let subs = r#"{"value":[{"id":"/subscriptions/s1","subscriptionId":"s1","displayName":"Prod","state":"Enabled","tenantId":"t1","managedByTenants":[{"tenantId":"m1"}]},{"id":"/subscriptions/s2","displayName":"Null","state":"Disabled","tenantId":"t1","managedByTenants":null}]}"#;
        let p = parse_subscriptions_page(&resp(200, subs), "u").expect("page");
        assert_eq!(p.items[0].managed_by_tenants, Some(vec!["m1".to_string()]));
        assert_eq!(p.items[1].subscription_id, "s2");
        assert_eq!(p.items[1].managed_by_tenants, None);
        assert!(p.next_link.is_none());
    }

    #[test]
    fn fields_of_other_types_read_as_absent_and_unknown_fields_are_skipped() {
        let subs = r#"{"count":{"type":"Total","value":2},"value":[
            {"id":"/subscriptions/s1","subscriptionId":7,"displayName":["x"],"state":null,
             "tenantId":"t1","managedByTenants":[{"tenantId":5},"m0",{"tenantId":"m1"}],
             "subscriptionPolicies":{"locationPlacementId":"Public","quotaId":"q"},
             "tags":{"a":[1,2,{"b":null}]}},
            {"subscriptionId":"s2","managedByTenants":"m2"}],
            "nextLink":{"href":"x"}}"#;
        let p = parse_subscriptions_page(&resp(200, subs), "u").expect("page");
        let s1 = &p.items[0];
        assert_eq!(
            s1.subscription_id, "s1",
            "a number id falls back to the path"
        );
        assert_eq!(
            (s1.display_name.as_deref(), s1.state.as_deref()),
            (None, None)
        );
        assert_eq!(s1.tenant_id.as_deref(), Some("t1"));
        assert_eq!(s1.managed_by_tenants, Some(vec!["m1".to_string()]));
        assert_eq!(p.items[1].managed_by_tenants, None);
        assert_eq!(
            p.next_link, None,
            "a nextLink that is not a string ends the list"
        );
    }

    #[test]
    fn pages_that_are_not_arm_lists_name_the_endpoint() {
        let url = "https://m/subscriptions?x";
        for (body, says) in [
            ("[1,2]", "the answer has no 'value' list"),
            ("3", "the answer is not the list ARM sends"),
            (r#"{"value":[3]}"#, "a list item is not an object"),
            (
                r#"{"value":[{"displayName":"no id"}]}"#,
                "a list item lacks its id",
            ),
            (r#"{"value":{"a":1}}"#, "the answer has no 'value' list"),
            (r#"{"nextLink":"x"}"#, "the answer has no 'value' list"),
            (
                r#"{"value":[{"subscriptionId":"s1"}"#,
                "the body is not JSON",
            ),
        ] {
            let e = parse_subscriptions_page(&resp(200, body), url).expect_err(body);
            assert_eq!(e.code(), "invalid_response", "{body}");
            let text = e.to_string();
            assert!(text.contains("https://m/subscriptions"), "{body}: {text}");
            assert!(text.contains(says), "{body}: {text}");
        }
        let single = parse_subscription_response(&resp(200, r#"{"displayName":"x"}"#), url)
            .expect_err("no id");
        assert!(
            single.to_string().contains("lacks subscriptionId"),
            "{single}"
        );
    }

    #[test]
    fn arm_errors_and_garbage_are_reported() {
        let e = parse_tenants_page(
            &resp(401, r#"{"error":{"code":"InvalidAuthenticationToken","message":"The access token is invalid."}}"#),
            "https://m/tenants?x",
        )
        .expect_err("401");
        assert_eq!(
            e.to_string(),
            "(InvalidAuthenticationToken) The access token is invalid."
        );
        let g = parse_subscriptions_page(&resp(200, "{\"value\": 3}"), "https://m/subscriptions?x")
            .expect_err("bad");
        assert_eq!(g.code(), "invalid_response");
        assert!(g.to_string().contains("https://m/subscriptions"));
        let h = parse_subscriptions_page(&resp(503, "<html>"), "https://m/subscriptions?x")
            .expect_err("503");
        assert_eq!(h.to_string(), "https://m/subscriptions answered HTTP 503");
    }

    #[test]
    fn control_characters_in_arm_text_are_replaced() {
        let e = parse_tenants_page(
            &resp(403, r#"{"error":{"code":"Denied\u001b[5m","message":"No access.\r\n\u001b]8;;https://evil.example\u0007click\u009b0m"}}"#),
            "https://m/tenants",
        )
        .expect_err("403");
        assert_eq!(
            e.to_string(),
            "(Denied\u{FFFD}[5m) No access.\r\n\u{FFFD}]8;;https://evil.example\u{FFFD}click\u{FFFD}0m"
        );
        let named = Tenant {
            tenant_id: "t1".into(),
            display_name: Some("Con\u{1b}[2Jtoso".into()),
            default_domain: None,
        };
        assert_eq!(named.id_and_name(), "t1 'Con\u{FFFD}[2Jtoso'");
    }
}
