//! One entry of the subscription list, kept as the JSON object az wrote, with typed accessors.

use serde_json::{Map, Value};

use crate::arm::{ArmSubscription, Tenant};

/// The name az gives tenant-level accounts.
pub const TENANT_LEVEL_ACCOUNT_NAME: &str = "N/A(tenant level account)";

/// Who the entry's credentials belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserType {
    /// A person.
    User,
    /// An application or managed identity.
    ServicePrincipal,
}

impl UserType {
    /// The stored string.
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::User => "user",
            UserType::ServicePrincipal => "servicePrincipal",
        }
    }
}

/// Where a discovered subscription came from, for the keys only the tenant loop knows.
#[derive(Clone, Copy, Debug)]
pub enum SubscriptionSource<'a> {
    /// Found by the tenant loop: the tenant's domain and display name are known.
    TenantLoop(&'a Tenant),
    /// Found with `--tenant` (or for a service principal): those keys are absent.
    SpecificTenant,
}

/// An `azureProfile.json` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscription(Map<String, Value>);

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn opt(v: Option<&str>) -> Value {
    v.map(s).unwrap_or(Value::Null)
}

impl Subscription {
    /// Reads a stored entry; it must be an object with a string `id`.
    pub fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::Object(map) if map.get("id").is_some_and(Value::is_string) => Ok(Self(map)),
            Value::Object(_) => Err("the entry has no string 'id'".into()),
            _ => Err("the entry is not an object".into()),
        }
    }

    /// The stored JSON object, borrowed.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The stored JSON.
    pub fn to_json(&self) -> Value {
        Value::Object(self.0.clone())
    }

    fn base(
        id: &str,
        name: Option<&str>,
        state: Option<&str>,
        user: &str,
        user_type: UserType,
        tenant_id: &str,
        cloud: &str,
    ) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), s(id));
        m.insert("name".into(), opt(name));
        m.insert("state".into(), opt(state));
        let mut u = Map::new();
        u.insert("name".into(), s(user));
        u.insert("type".into(), s(user_type.as_str()));
        m.insert("user".into(), Value::Object(u));
        m.insert("isDefault".into(), Value::Bool(false));
        m.insert("tenantId".into(), s(tenant_id));
        m.insert("environmentName".into(), s(cloud));
        m
    }

    /// An entry for a subscription found with a token for `token_tenant`, in az's key order.
    pub fn discovered(
        arm: &ArmSubscription,
        token_tenant: &str,
        source: SubscriptionSource<'_>,
        user: &str,
        user_type: UserType,
        cloud: &str,
    ) -> Self {
        let mut m = Self::base(
            &arm.subscription_id,
            arm.display_name.as_deref(),
            arm.state.as_deref(),
            user,
            user_type,
            token_tenant,
            cloud,
        );
        m.insert("homeTenantId".into(), opt(arm.tenant_id.as_deref()));
        if let SubscriptionSource::TenantLoop(t) = source {
            m.insert(
                "tenantDefaultDomain".into(),
                opt(t.default_domain.as_deref()),
            );
            m.insert("tenantDisplayName".into(), opt(t.display_name.as_deref()));
        }
        let managed = arm.managed_by_tenants.as_ref().map(|ids| {
            Value::Array(
                ids.iter()
                    .map(|id| {
                        let mut t = Map::new();
                        t.insert("tenantId".into(), s(id));
                        Value::Object(t)
                    })
                    .collect(),
            )
        });
        m.insert("managedByTenants".into(), managed.unwrap_or(Value::Null));
        Self(m)
    }

    /// A tenant-level account: only the first seven keys.
    pub fn tenant_level(tenant_id: &str, user: &str, user_type: UserType, cloud: &str) -> Self {
        Self(Self::base(
            tenant_id,
            Some(TENANT_LEVEL_ACCOUNT_NAME),
            Some("Enabled"),
            user,
            user_type,
            tenant_id,
            cloud,
        ))
    }

    fn str_field(&self, k: &str) -> Option<&str> {
        self.0.get(k).and_then(Value::as_str)
    }

    /// The subscription id (the tenant id for tenant-level accounts).
    pub fn id(&self) -> &str {
        self.str_field("id").unwrap_or_default()
    }

    /// The display name.
    pub fn name(&self) -> Option<&str> {
        self.str_field("name")
    }

    /// `Enabled`, `Disabled`, …
    pub fn state(&self) -> Option<&str> {
        self.str_field("state")
    }

    /// The tenant the entry's tokens come from.
    pub fn tenant_id(&self) -> Option<&str> {
        self.str_field("tenantId")
    }

    /// The cloud name.
    pub fn environment_name(&self) -> Option<&str> {
        self.str_field("environmentName")
    }

    /// The tenant's display name, when the tenant loop found it.
    pub fn tenant_display_name(&self) -> Option<&str> {
        self.str_field("tenantDisplayName")
    }

    /// `user.name`.
    pub fn user_name(&self) -> Option<&str> {
        self.0
            .get("user")
            .and_then(|u| u.get("name"))
            .and_then(Value::as_str)
    }

    /// `user.type`.
    pub fn user_type(&self) -> Option<&str> {
        self.0
            .get("user")
            .and_then(|u| u.get("type"))
            .and_then(Value::as_str)
    }

    /// `user.assignedIdentityInfo` (managed identity).
    pub fn assigned_identity_info(&self) -> Option<&str> {
        self.0
            .get("user")
            .and_then(|u| u.get("assignedIdentityInfo"))
            .and_then(Value::as_str)
    }

    /// `isDefault`.
    pub fn is_default(&self) -> bool {
        self.0
            .get("isDefault")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Sets `isDefault` (in place, keeping its position).
    pub fn set_default(&mut self, default: bool) {
        self.0.insert("isDefault".into(), Value::Bool(default));
    }

    /// Whether `wanted` names this entry: its id or its name, case-insensitively (az's rule).
    pub fn matches(&self, wanted: &str) -> bool {
        let wanted = wanted.to_lowercase();
        self.id().to_lowercase() == wanted
            || self.name().is_some_and(|n| n.to_lowercase() == wanted)
    }

    /// The entry as commands print it: `environmentName` renamed `cloudName`.
    pub fn to_output_json(&self) -> Value {
        let mut m = self.0.clone();
        if let Some(v) = m.shift_remove("environmentName") {
            m.insert("cloudName".into(), v);
        }
        Value::Object(m)
    }
}
