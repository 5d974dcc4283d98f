//! One entry of the subscription list.
//!
//! An entry in the exact shape az writes (its keys, in its order, with the value types it uses)
//! is kept as typed fields, and the values every entry of a login shares (the user, the cloud,
//! the tenant) are shared, not copied: 100,000 entries then take tens of megabytes, not hundreds.
//! Any other entry (keys azlogin does not know, another order, other value types) is kept as the
//! JSON object az wrote, so it is written back byte for byte.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::arm::{ArmSubscription, Tenant};
use crate::pyjson::{ObjectWriter, PyJsonStyle, WritePyJson};

/// The name az gives tenant-level accounts.
pub const TENANT_LEVEL_ACCOUNT_NAME: &str = "N/A(tenant level account)";

/// Who the entry's credentials belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

    fn parse(s: &str) -> Option<UserType> {
        [UserType::User, UserType::ServicePrincipal]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

/// Where a discovered subscription came from, for the keys only the tenant loop knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubscriptionSource {
    /// Found by the tenant loop: the tenant's domain and display name are written.
    TenantLoop,
    /// Found with `--tenant` (or for a service principal): those keys are absent.
    SpecificTenant,
}

/// What every entry of one login shares: the user and the cloud.
#[derive(Clone, Debug)]
pub struct EntryOwner {
    user: Arc<EntryUser>,
    cloud: Arc<str>,
}

impl EntryOwner {
    /// The owner of entries for `user` (of `user_type`) in `cloud`.
    pub fn new(user: &str, user_type: UserType, cloud: &str) -> Self {
        Self {
            user: Arc::new(EntryUser {
                name: user.into(),
                user_type,
            }),
            cloud: cloud.into(),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
struct EntryUser {
    name: String,
    user_type: UserType,
}

/// An `azureProfile.json` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscription(Repr);

#[derive(Clone, Debug, PartialEq)]
enum Repr {
    Known(Known),
    /// An entry in a shape azlogin does not write itself, kept as it was read.
    Json(Box<Map<String, Value>>),
}

/// az's keys, in az's order: `id`, `name`, `state`, `user` (`name`, `type`), `isDefault`,
/// `tenantId`, `environmentName`, then, when present, `homeTenantId`, `tenantDefaultDomain` with
/// `tenantDisplayName`, and `managedByTenants`. `None` outside is an absent key, `Some(None)` null.
#[derive(Clone, Debug, PartialEq)]
struct Known {
    id: String,
    name: Option<String>,
    state: Option<String>,
    user: Arc<EntryUser>,
    is_default: bool,
    /// `tenantId`, and the domain and display name when `tenant_labels` says they are written.
    tenant: Arc<Tenant>,
    tenant_labels: bool,
    environment_name: Arc<str>,
    home_tenant_id: Option<Option<String>>,
    managed_by_tenants: Option<Option<Vec<String>>>,
}

impl Subscription {
    /// Reads a stored entry; it must be an object with a string `id`.
    pub fn from_json(v: Value) -> Result<Self, String> {
        Self::from_json_shared(v, &mut Interner::default())
    }

    /// [`Subscription::from_json`], sharing equal users, clouds and tenants with the entries
    /// `interner` has seen.
    pub(super) fn from_json_shared(v: Value, interner: &mut Interner) -> Result<Self, String> {
        match v {
            Value::Object(map) if map.get("id").is_some_and(Value::is_string) => {
                Ok(Self(match Known::read(&map, interner) {
                    Some(known) => Repr::Known(known),
                    None => Repr::Json(Box::new(map)),
                }))
            }
            Value::Object(_) => Err("the entry has no string 'id'".into()),
            _ => Err("the entry is not an object".into()),
        }
    }

    /// Whether the entry is held typed (az's own shape) rather than as the JSON read.
    #[cfg(test)]
    pub(super) fn is_typed(&self) -> bool {
        matches!(self.0, Repr::Known(_))
    }

    /// About how long the entry's `azureProfile.json` text is (exact for ASCII values), so the
    /// file's text can be sized before it is written.
    pub fn text_len_hint(&self) -> usize {
        match &self.0 {
            Repr::Known(k) => k.text_len_hint(),
            // Kept entries are rare; a typical entry's length is close enough.
            Repr::Json(_) => 512,
        }
    }

    /// The stored JSON.
    pub fn to_json(&self) -> Value {
        match &self.0 {
            Repr::Known(k) => Value::Object(k.to_map("environmentName")),
            Repr::Json(map) => Value::Object((**map).clone()),
        }
    }

    /// An entry for a subscription found with a token for `tenant`, in az's key order.
    pub fn discovered(
        arm: ArmSubscription,
        tenant: &Arc<Tenant>,
        source: SubscriptionSource,
        owner: &EntryOwner,
    ) -> Self {
        let ArmSubscription {
            subscription_id,
            display_name,
            state,
            tenant_id,
            managed_by_tenants,
        } = arm;
        Self(Repr::Known(Known {
            id: subscription_id,
            name: display_name,
            state,
            user: Arc::clone(&owner.user),
            is_default: false,
            tenant: Arc::clone(tenant),
            tenant_labels: source == SubscriptionSource::TenantLoop,
            environment_name: Arc::clone(&owner.cloud),
            home_tenant_id: Some(tenant_id),
            managed_by_tenants: Some(managed_by_tenants),
        }))
    }

    /// A tenant-level account: only the first seven keys.
    pub fn tenant_level(tenant_id: &str, owner: &EntryOwner) -> Self {
        Self(Repr::Known(Known {
            id: tenant_id.into(),
            name: Some(TENANT_LEVEL_ACCOUNT_NAME.into()),
            state: Some("Enabled".into()),
            user: Arc::clone(&owner.user),
            is_default: false,
            tenant: Arc::new(Tenant::with_id(tenant_id)),
            tenant_labels: false,
            environment_name: Arc::clone(&owner.cloud),
            home_tenant_id: None,
            managed_by_tenants: None,
        }))
    }

    fn json_str(&self, k: &str) -> Option<&str> {
        match &self.0 {
            Repr::Json(map) => map.get(k).and_then(Value::as_str),
            Repr::Known(_) => None,
        }
    }

    fn json_user(&self, k: &str) -> Option<&str> {
        match &self.0 {
            Repr::Json(map) => map
                .get("user")
                .and_then(|u| u.get(k))
                .and_then(Value::as_str),
            Repr::Known(_) => None,
        }
    }

    /// The subscription id (the tenant id for tenant-level accounts).
    pub fn id(&self) -> &str {
        match &self.0 {
            Repr::Known(k) => &k.id,
            Repr::Json(_) => self.json_str("id").unwrap_or_default(),
        }
    }

    /// The display name.
    pub fn name(&self) -> Option<&str> {
        match &self.0 {
            Repr::Known(k) => k.name.as_deref(),
            Repr::Json(_) => self.json_str("name"),
        }
    }

    /// `Enabled`, `Disabled`, …
    pub fn state(&self) -> Option<&str> {
        match &self.0 {
            Repr::Known(k) => k.state.as_deref(),
            Repr::Json(_) => self.json_str("state"),
        }
    }

    /// The tenant the entry's tokens come from.
    pub fn tenant_id(&self) -> Option<&str> {
        match &self.0 {
            Repr::Known(k) => Some(&k.tenant.tenant_id),
            Repr::Json(_) => self.json_str("tenantId"),
        }
    }

    /// The cloud name.
    pub fn environment_name(&self) -> Option<&str> {
        match &self.0 {
            Repr::Known(k) => Some(&k.environment_name),
            Repr::Json(_) => self.json_str("environmentName"),
        }
    }

    /// The tenant's display name, when the tenant loop found it.
    pub fn tenant_display_name(&self) -> Option<&str> {
        match &self.0 {
            Repr::Known(k) if k.tenant_labels => k.tenant.display_name.as_deref(),
            Repr::Known(_) => None,
            Repr::Json(_) => self.json_str("tenantDisplayName"),
        }
    }

    /// `user.name`.
    pub fn user_name(&self) -> Option<&str> {
        match &self.0 {
            Repr::Known(k) => Some(&k.user.name),
            Repr::Json(_) => self.json_user("name"),
        }
    }

    /// `user.type`.
    pub fn user_type(&self) -> Option<&str> {
        match &self.0 {
            Repr::Known(k) => Some(k.user.user_type.as_str()),
            Repr::Json(_) => self.json_user("type"),
        }
    }

    /// `user.assignedIdentityInfo` (managed identity).
    pub fn assigned_identity_info(&self) -> Option<&str> {
        self.json_user("assignedIdentityInfo")
    }

    /// `isDefault`.
    pub fn is_default(&self) -> bool {
        match &self.0 {
            Repr::Known(k) => k.is_default,
            Repr::Json(map) => map
                .get("isDefault")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }
    }

    /// Sets `isDefault` (in place, keeping its position).
    pub fn set_default(&mut self, default: bool) {
        match &mut self.0 {
            Repr::Known(k) => k.is_default = default,
            Repr::Json(map) => {
                map.insert("isDefault".into(), Value::Bool(default));
            }
        }
    }

    /// Whether `wanted` names this entry: its id or its name, case-insensitively (az's rule).
    pub fn matches(&self, wanted: &str) -> bool {
        let wanted = wanted.to_lowercase();
        self.id().to_lowercase() == wanted
            || self.name().is_some_and(|n| n.to_lowercase() == wanted)
    }

    /// The entry as commands print it: `environmentName` renamed `cloudName` (and moved last).
    pub fn to_output_json(&self) -> Value {
        match &self.0 {
            Repr::Known(k) => Value::Object(k.to_map("cloudName")),
            Repr::Json(map) => Value::Object(renamed_cloud((**map).clone())),
        }
    }

    /// [`Subscription::to_output_json`], consuming the entry.
    pub fn into_output_json(self) -> Value {
        match self.0 {
            Repr::Known(k) => Value::Object(k.to_map("cloudName")),
            Repr::Json(map) => Value::Object(renamed_cloud(*map)),
        }
    }
}

fn renamed_cloud(mut m: Map<String, Value>) -> Map<String, Value> {
    if let Some(v) = m.shift_remove("environmentName") {
        m.insert("cloudName".into(), v);
    }
    m
}

impl WritePyJson for Subscription {
    fn write_py_json(&self, out: &mut String, style: PyJsonStyle, depth: usize) {
        match &self.0 {
            // Sorted keys need the whole object; azureProfile.json is never written sorted.
            Repr::Known(k) if !style.sort_keys => k.write(out, style, depth),
            Repr::Known(k) => {
                Value::Object(k.to_map("environmentName")).write_py_json(out, style, depth)
            }
            Repr::Json(map) => map.write_py_json(out, style, depth),
        }
    }
}

fn opt_value(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| Value::String(s.into()))
}

fn managed_value(ids: Option<&[String]>) -> Value {
    ids.map_or(Value::Null, |ids| {
        Value::Array(
            ids.iter()
                .map(|id| {
                    let mut t = Map::new();
                    t.insert("tenantId".into(), Value::String(id.clone()));
                    Value::Object(t)
                })
                .collect(),
        )
    })
}

impl Known {
    /// The entry as a JSON object, `environmentName` written last as `cloud_key` (the profile's
    /// own name keeps its place).
    fn to_map(&self, cloud_key: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), Value::String(self.id.clone()));
        m.insert("name".into(), opt_value(self.name.as_deref()));
        m.insert("state".into(), opt_value(self.state.as_deref()));
        let mut u = Map::new();
        u.insert("name".into(), Value::String(self.user.name.clone()));
        u.insert("type".into(), self.user.user_type.as_str().into());
        m.insert("user".into(), Value::Object(u));
        m.insert("isDefault".into(), Value::Bool(self.is_default));
        m.insert(
            "tenantId".into(),
            Value::String(self.tenant.tenant_id.clone()),
        );
        let cloud = Value::String(self.environment_name.to_string());
        let renamed = cloud_key != "environmentName";
        if !renamed {
            m.insert("environmentName".into(), cloud.clone());
        }
        if let Some(home) = &self.home_tenant_id {
            m.insert("homeTenantId".into(), opt_value(home.as_deref()));
        }
        if self.tenant_labels {
            let t = &self.tenant;
            m.insert(
                "tenantDefaultDomain".into(),
                opt_value(t.default_domain.as_deref()),
            );
            m.insert(
                "tenantDisplayName".into(),
                opt_value(t.display_name.as_deref()),
            );
        }
        if let Some(managed) = &self.managed_by_tenants {
            m.insert("managedByTenants".into(), managed_value(managed.as_deref()));
        }
        if renamed {
            m.insert(cloud_key.into(), cloud);
        }
        m
    }

    fn text_len_hint(&self) -> usize {
        // `"key": "value", ` is the key, the value and 6 more bytes; `null` is 4.
        let field = |key: &str, value: Option<&str>| key.len() + 6 + value.map_or(4, str::len);
        let t = &self.tenant;
        let mut n = 2
            + field("id", Some(&self.id))
            + field("name", self.name.as_deref())
            + field("state", self.state.as_deref())
            + field("user", Some(""))
            + field("name", Some(&self.user.name))
            + field("type", Some(self.user.user_type.as_str()))
            + field("isDefault", Some("false"))
            + field("tenantId", Some(&t.tenant_id))
            + field("environmentName", Some(&self.environment_name));
        if let Some(home) = &self.home_tenant_id {
            n += field("homeTenantId", home.as_deref());
        }
        if self.tenant_labels {
            n += field("tenantDefaultDomain", t.default_domain.as_deref())
                + field("tenantDisplayName", t.display_name.as_deref());
        }
        if let Some(managed) = &self.managed_by_tenants {
            n += field("managedByTenants", Some(""));
            n += managed.as_ref().map_or(0, |ids| {
                ids.iter()
                    .map(|id| field("tenantId", Some(id)) + 2)
                    .sum::<usize>()
            });
        }
        n
    }

    /// Writes the entry as [`Known::to_map`] would be written, without building it.
    fn write(&self, out: &mut String, style: PyJsonStyle, depth: usize) {
        let mut w = ObjectWriter::begin(out, style, depth);
        w.str("id", &self.id);
        w.opt_str("name", self.name.as_deref());
        w.opt_str("state", self.state.as_deref());
        {
            let mut u = w.object("user");
            u.str("name", &self.user.name);
            u.str("type", self.user.user_type.as_str());
            u.end();
        }
        w.bool("isDefault", self.is_default);
        w.str("tenantId", &self.tenant.tenant_id);
        w.str("environmentName", &self.environment_name);
        if let Some(home) = &self.home_tenant_id {
            w.opt_str("homeTenantId", home.as_deref());
        }
        if self.tenant_labels {
            w.opt_str("tenantDefaultDomain", self.tenant.default_domain.as_deref());
            w.opt_str("tenantDisplayName", self.tenant.display_name.as_deref());
        }
        if let Some(managed) = &self.managed_by_tenants {
            match managed {
                None => w.null("managedByTenants"),
                Some(ids) => {
                    let mut list = w.list("managedByTenants");
                    for id in ids {
                        let mut t = list.object();
                        t.str("tenantId", id);
                        t.end();
                    }
                    list.end();
                }
            }
        }
        w.end();
    }

    /// The typed form of `map`, when it has exactly az's keys in az's order and value types.
    fn read(map: &Map<String, Value>, interner: &mut Interner) -> Option<Known> {
        let mut keys = map.iter().peekable();
        let mut next = |want: &str| keys.next().filter(|(k, _)| *k == want).map(|(_, v)| v);
        let id = next("id")?.as_str()?.to_string();
        let name = nullable_str(next("name")?)?;
        let state = nullable_str(next("state")?)?;
        let user = match next("user")? {
            Value::Object(u) if u.len() == 2 => {
                let mut fields = u.iter();
                let name = match fields.next()? {
                    (k, Value::String(s)) if k == "name" => s,
                    _ => return None,
                };
                let user_type = match fields.next()? {
                    (k, Value::String(s)) if k == "type" => UserType::parse(s)?,
                    _ => return None,
                };
                interner.user(name, user_type)
            }
            _ => return None,
        };
        let is_default = next("isDefault")?.as_bool()?;
        let tenant_id = next("tenantId")?.as_str()?;
        let environment_name = interner.cloud(next("environmentName")?.as_str()?);
        let mut rest = map.iter().skip(7).peekable();
        let mut optional = |want: &str| rest.next_if(|(k, _)| *k == want).map(|(_, v)| v);
        let home_tenant_id = optional("homeTenantId")
            .map(nullable_str)
            .map(|v| v.ok_or(()))
            .transpose()
            .ok()?;
        let labels = match optional("tenantDefaultDomain") {
            None => None,
            Some(domain) => {
                let display = optional("tenantDisplayName")?;
                Some((nullable_str(domain)?, nullable_str(display)?))
            }
        };
        let managed_by_tenants = match optional("managedByTenants") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::Array(items)) => Some(Some(
                items
                    .iter()
                    .map(|t| match t {
                        Value::Object(t) if t.len() == 1 => t
                            .get("tenantId")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        _ => None,
                    })
                    .collect::<Option<Vec<String>>>()?,
            )),
            Some(_) => return None,
        };
        if rest.next().is_some() {
            return None;
        }
        let tenant_labels = labels.is_some();
        let (default_domain, display_name) = labels.unwrap_or_default();
        Some(Known {
            id,
            name,
            state,
            user,
            is_default,
            tenant: interner.tenant(Tenant {
                tenant_id: tenant_id.to_string(),
                display_name,
                default_domain,
            }),
            tenant_labels,
            environment_name,
            home_tenant_id,
            managed_by_tenants,
        })
    }
}

/// A string or null; `None` for any other type.
fn nullable_str(v: &Value) -> Option<Option<String>> {
    match v {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        _ => None,
    }
}

/// Shares equal users, clouds and tenants between the entries of one file.
#[derive(Default)]
pub(super) struct Interner {
    users: Vec<Arc<EntryUser>>,
    clouds: Vec<Arc<str>>,
    tenants: HashSet<Arc<Tenant>>,
}

impl Interner {
    fn user(&mut self, name: &str, user_type: UserType) -> Arc<EntryUser> {
        if let Some(u) = self
            .users
            .iter()
            .find(|u| u.name == name && u.user_type == user_type)
        {
            return Arc::clone(u);
        }
        let u = Arc::new(EntryUser {
            name: name.into(),
            user_type,
        });
        // A file has a handful of users; a long list means no sharing to gain.
        if self.users.len() < 64 {
            self.users.push(Arc::clone(&u));
        }
        u
    }

    fn cloud(&mut self, name: &str) -> Arc<str> {
        if let Some(c) = self.clouds.iter().find(|c| &***c == name) {
            return Arc::clone(c);
        }
        let c: Arc<str> = name.into();
        if self.clouds.len() < 64 {
            self.clouds.push(Arc::clone(&c));
        }
        c
    }

    fn tenant(&mut self, tenant: Tenant) -> Arc<Tenant> {
        if let Some(t) = self.tenants.get(&tenant) {
            return Arc::clone(t);
        }
        let t = Arc::new(tenant);
        self.tenants.insert(Arc::clone(&t));
        t
    }
}
