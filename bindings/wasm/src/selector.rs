//! The subscription selector of `az login` (the core's `selector` module) for hosts that draw
//! their own UI: rows, the CLI's table, and the meaning of each answer.

use azlogin::selector::{Choice, Row, Selector, highlight_for_theme, render_table};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::{to_value, usage};
use crate::profile::subscriptions_from_js;

/// One row as JavaScript sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsRow<'a> {
    number: usize,
    name: &'a str,
    shown_name: String,
    id: &'a str,
    tenant: &'a str,
    tenant_id: &'a str,
    is_default: bool,
}

impl<'a> From<&'a Row> for JsRow<'a> {
    fn from(r: &'a Row) -> Self {
        JsRow {
            number: r.number,
            name: &r.name,
            shown_name: r.shown_name(),
            id: &r.id,
            tenant: &r.tenant,
            tenant_id: &r.tenant_id,
            is_default: r.is_default,
        }
    }
}

/// The selector over a list of subscription entries.
#[wasm_bindgen]
pub struct SubscriptionSelector {
    inner: Selector,
}

#[wasm_bindgen]
impl SubscriptionSelector {
    /// The selector over `subscriptions` (profile entries), `defaultId` marked; `usage_error`
    /// when the list is empty.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SubscriptionEntry[]")] subscriptions: JsValue,
        default_id: Option<String>,
    ) -> Result<SubscriptionSelector, JsValue> {
        let entries = subscriptions_from_js(subscriptions)?;
        let inner = Selector::new(&entries, default_id.as_deref())
            .ok_or_else(|| usage("there are no subscriptions to select from"))?;
        Ok(Self { inner })
    }

    /// The rows matching `filter` (all rows without one), in the CLI's order and numbering.
    #[wasm_bindgen(unchecked_return_type = "SelectorRow[]")]
    pub fn rows(&self, filter: Option<String>) -> Result<JsValue, JsValue> {
        let rows: Vec<JsRow<'_>> = self
            .inner
            .rows(filter.as_deref())
            .into_iter()
            .map(JsRow::from)
            .collect();
        to_value(&rows)
    }

    /// The CLI's table of the rows matching `filter`: without colour, or with the default row
    /// highlighted as az does for `theme` (`dark`, `light`, `cloud-shell`; `none`: no colour).
    pub fn render(&self, filter: Option<String>, theme: Option<String>) -> String {
        let rows: Vec<&Row> = self.inner.rows(filter.as_deref());
        render_table(&rows, theme.as_deref().and_then(highlight_for_theme))
    }

    /// One answer typed by the user: `{ kind, number?, count?, chosen?, warning? }`.
    #[wasm_bindgen(unchecked_return_type = "SelectorChoice")]
    pub fn choose(&mut self, input: &str) -> Result<JsValue, JsValue> {
        let choice = self.inner.choose(input);
        let chosen = self.inner.chosen(&choice).map(JsRow::from);
        let (kind, number, count) = match choice {
            Choice::Selected(n) => ("selected", Some(n), None),
            Choice::Keep => ("keep", None, None),
            Choice::Filtered(n) => ("filtered", None, Some(n)),
            Choice::NoMatch => ("noMatch", None, None),
            Choice::Unfiltered => ("unfiltered", None, None),
            _ => ("invalid", None, None),
        };
        to_value(&serde_json::json!({
            "kind": kind,
            "number": number,
            "count": count,
            "warning": choice.warning(input),
            "chosen": chosen,
            "filter": self.inner.view_filter(),
        }))
    }
}
