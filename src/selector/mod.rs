//! The tenant and subscription selector az shows after an interactive login ("login experience
//! v2"), as a model with no I/O: the rows, the exact screen text, and what an answer means. The
//! terminal driver (native) prints the text and reads the answers; a wasm face can reuse it all.
//!
//! # Rows
//!
//! Rows are sorted by `name.lower()` as Python's stable `sorted` does (Rust's `to_lowercase` is
//! the same full Unicode mapping as Python's `str.lower`, final sigma included, and both compare
//! by code point), and numbered `[1]…` in that order. A number belongs to its row for the life
//! of the selector: a filtered view shows the matching rows with their original numbers.
//!
//! # Answers
//!
//! az's rules first: an empty answer keeps the default; only the exact strings `1`..`N` select
//! (no trimming, no leading zeros: `" 2"` and `"02"` are invalid, as az compares strings); any
//! other answer that reads as a number (optional sign and ASCII digits, surrounding whitespace
//! ignored) is [`Choice::Invalid`].
//!
//! azlogin's extension (users asked for search, az issue #33386): any other text filters the
//! rows, case-insensitively, by substring of the subscription name, id, tenant display name or
//! tenant id (the text trimmed). A filter always applies to the whole list, not to the view on
//! screen; numbers always select from the whole list, shown or not. With no match the view does
//! not change ([`Choice::NoMatch`]). In a filtered view an empty answer selects the row when the
//! view has exactly one; with several rows it leaves the filter and returns to the whole list
//! ([`Choice::Unfiltered`]), so Enter never picks one of several rows the user was narrowing
//! down, and a second Enter keeps the default as the prompt promises.

mod render;
#[cfg(test)]
mod tests;

use crate::profile::Subscription;

pub use render::{render_table, strip_ansi};

/// The line printed before discovery when the selector will be shown (without `--tenant`).
pub const RETRIEVING_TENANTS: &str = "Retrieving tenants and subscriptions for the selection...";
/// The line printed before discovery when the selector will be shown (with `--tenant`).
pub const RETRIEVING_SUBSCRIPTIONS: &str = "Retrieving subscriptions for the selection...";
/// The prompt, printed without a newline.
pub const PROMPT: &str =
    "Select a subscription and tenant (Type a number or Enter for no changes): ";
/// The warning for an answer that selects nothing.
pub const INVALID_SELECTION: &str = "Invalid selection.";
/// What az prints on stdout after a login selector (its `print` adds one more newline).
pub const ANNOUNCEMENT: &str = "[Announcements]\nWith the new Azure CLI login experience, you can select the subscription you want to use more easily. Learn more about it and its configuration at https://go.microsoft.com/fwlink/?linkid=2271236\n\nIf you encounter any problem, please open an issue at https://aka.ms/azclibug\n";
/// The warning az logs after a login selector (the text ends with its own newline).
pub const OUTPUT_WARNING: &str = "[Warning] The login output has been updated. Please be aware that it no longer displays the full list of available subscriptions by default.\n";
/// az's HIGHLIGHT colour in the dark theme (the default).
pub const HIGHLIGHT_DARK: &str = "\x1b[96m";
/// az's HIGHLIGHT colour in the light theme.
pub const HIGHLIGHT_LIGHT: &str = "\x1b[36m";
/// az's HIGHLIGHT colour in the cloud-shell theme (`#72d7d8`).
pub const HIGHLIGHT_CLOUD_SHELL: &str = "\x1b[38;2;114;215;216m";

/// The HIGHLIGHT colour of an az theme (`core.theme`), or `None` for `none` (no colour at all).
/// Unknown names read as the dark default.
pub fn highlight_for_theme(theme: &str) -> Option<&'static str> {
    match theme {
        "none" => None,
        "light" => Some(HIGHLIGHT_LIGHT),
        "cloud-shell" => Some(HIGHLIGHT_CLOUD_SHELL),
        _ => Some(HIGHLIGHT_DARK),
    }
}

/// Names longer than this many code points are cut.
const NAME_LIMIT: usize = 36;

/// One subscription as the selector shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The number the user types: its 1-based place in the sorted list.
    pub number: usize,
    /// The full subscription name.
    pub name: String,
    /// The subscription id.
    pub id: String,
    /// The tenant as shown: its display name, else its id.
    pub tenant: String,
    /// The tenant id.
    pub tenant_id: String,
    /// Whether this is the default row.
    pub is_default: bool,
}

impl Row {
    /// The name as the table shows it: longer than 36 code points → the first 33 and `...`.
    pub fn shown_name(&self) -> String {
        if self.name.chars().count() > NAME_LIMIT {
            let mut cut: String = self.name.chars().take(NAME_LIMIT - 3).collect();
            cut.push_str("...");
            cut
        } else {
            self.name.clone()
        }
    }

    /// Whether `needle` (already lower-cased) is in the name, id or tenant.
    fn contains(&self, needle: &str) -> bool {
        [&self.name, &self.id, &self.tenant, &self.tenant_id]
            .iter()
            .any(|field| field.to_lowercase().contains(needle))
    }
}

/// What an answer to the prompt means.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Choice {
    /// The row with this number was chosen.
    Selected(usize),
    /// Enter on the whole list: the default stays.
    Keep,
    /// Not a choice: warn [`INVALID_SELECTION`] and ask again.
    Invalid,
    /// The text filtered the list to this many rows: show [`Selector::render_view`], ask again.
    Filtered(usize),
    /// The text matched nothing: say so ([`Selector::no_match_message`]), ask again.
    NoMatch,
    /// Enter on a filtered view of several rows: the whole list again; ask again.
    Unfiltered,
}

impl Choice {
    /// The warning line for `input` when this answer asks again without a new view:
    /// [`INVALID_SELECTION`] or [`Selector::no_match_message`]; `None` for every other answer.
    pub fn warning(&self, input: &str) -> Option<String> {
        match self {
            Choice::Invalid => Some(INVALID_SELECTION.to_string()),
            Choice::NoMatch => Some(Selector::no_match_message(input)),
            Choice::Selected(_) | Choice::Keep | Choice::Filtered(_) | Choice::Unfiltered => None,
        }
    }
}

/// What the driver does with one answer: warn (stderr), print (stdout), and stop when a row is
/// chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// A warning line for stderr, before `stdout` is printed.
    pub warning: Option<String>,
    /// Text for stdout: the next view and prompt, or the echo of the choice.
    pub stdout: String,
    /// The chosen row: the selection is over.
    pub chosen: Option<Row>,
}

/// The rows of one selection and the state of its prompt.
#[derive(Clone, Debug)]
pub struct Selector {
    rows: Vec<Row>,
    /// Index in `rows` of the default.
    default: usize,
    /// The filter of the view on screen, lower-cased.
    filter: Option<String>,
}

impl Selector {
    /// The selector over `entries` (this login's, or the profile's), with `default_id` marked.
    /// When `default_id` is `None` or names no entry, the default follows az's rule for a login
    /// without a previous default: the first `Enabled` entry, else the first (discovery order).
    /// `None` when there are no entries.
    pub fn new(entries: &[Subscription], default_id: Option<&str>) -> Option<Self> {
        let fallback = entries
            .iter()
            .position(|s| s.state() == Some("Enabled"))
            .unwrap_or(0);
        let default_at = default_id
            .and_then(|d| entries.iter().position(|s| s.id().eq_ignore_ascii_case(d)))
            .unwrap_or(fallback);
        let mut keyed: Vec<(String, usize, &Subscription)> = entries
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name().unwrap_or_default().to_lowercase(), i, s))
            .collect();
        // A stable sort on the key alone, as Python's `sorted(key=...)`.
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut default = None;
        let rows: Vec<Row> = keyed
            .into_iter()
            .enumerate()
            .map(|(place, (_, original, s))| {
                let is_default = original == default_at;
                if is_default {
                    default = Some(place);
                }
                let tenant_id = s.tenant_id().unwrap_or_default().to_string();
                // az: the display name when it is truthy, else the id.
                let tenant = s
                    .tenant_display_name()
                    .filter(|n| !n.is_empty())
                    .map_or_else(|| tenant_id.clone(), str::to_string);
                Row {
                    number: place + 1,
                    name: s.name().unwrap_or_default().to_string(),
                    id: s.id().to_string(),
                    tenant,
                    tenant_id,
                    is_default,
                }
            })
            .collect();
        Some(Self {
            rows,
            default: default?,
            filter: None,
        })
    }

    /// The rows matching `filter` (case-insensitive substring of name, id or tenant), all rows
    /// for `None` or blank text, in sorted order with their original numbers.
    pub fn rows(&self, filter: Option<&str>) -> Vec<&Row> {
        match filter.map(|f| f.trim().to_lowercase()) {
            Some(needle) if !needle.is_empty() => {
                self.rows.iter().filter(|r| r.contains(&needle)).collect()
            }
            _ => self.rows.iter().collect(),
        }
    }

    /// The row with this number.
    pub fn row(&self, number: usize) -> Option<&Row> {
        number.checked_sub(1).and_then(|i| self.rows.get(i))
    }

    /// The default row.
    pub fn default_row(&self) -> &Row {
        &self.rows[self.default]
    }

    /// The row a final answer leaves chosen: the selected one, or the default for [`Choice::Keep`].
    pub fn chosen(&self, choice: &Choice) -> Option<&Row> {
        match choice {
            Choice::Selected(n) => self.row(*n),
            Choice::Keep => Some(self.default_row()),
            _ => None,
        }
    }

    /// The filter of the view on screen, if any.
    pub fn view_filter(&self) -> Option<&str> {
        self.filter.as_deref()
    }

    /// Reads one answer (without its line ending) and moves the view accordingly.
    pub fn choose(&mut self, input: &str) -> Choice {
        if input.is_empty() {
            return match self.filter.take() {
                None => Choice::Keep,
                Some(filter) => match self.rows(Some(&filter)).as_slice() {
                    [only] => Choice::Selected(only.number),
                    _ => Choice::Unfiltered,
                },
            };
        }
        // az compares the answer with the strings "1".."N": no parsing, no trimming.
        if let Some(row) = input
            .parse::<usize>()
            .ok()
            .filter(|n| n.to_string() == input)
            .and_then(|n| self.row(n))
        {
            return Choice::Selected(row.number);
        }
        if looks_numeric(input) || input.trim().is_empty() {
            return Choice::Invalid;
        }
        let found = self.rows(Some(input)).len();
        if found == 0 {
            return Choice::NoMatch;
        }
        self.filter = Some(input.trim().to_lowercase());
        Choice::Filtered(found)
    }

    /// The text to print first: [`Selector::intro`] and the prompt.
    pub fn start(&self, highlight: Option<&str>) -> String {
        format!("{}{PROMPT}", self.intro(highlight))
    }

    /// One answer, `None` at the end of input, turned into what to print. The end of input
    /// keeps the default, as Enter on the whole list does (after a newline, since none was
    /// echoed), because the login it follows has already succeeded.
    pub fn answer(&mut self, input: Option<&str>, highlight: Option<&str>) -> Reply {
        let Some(input) = input else {
            self.filter = None;
            return Reply {
                warning: None,
                stdout: format!("\n{}", Self::echo(self.default_row())),
                chosen: Some(self.default_row().clone()),
            };
        };
        let choice = self.choose(input);
        if let Some(row) = self.chosen(&choice) {
            return Reply {
                warning: None,
                stdout: Self::echo(row),
                chosen: Some(row.clone()),
            };
        }
        let warning = choice.warning(input);
        let view = if warning.is_none() {
            self.render_view(highlight)
        } else {
            String::new()
        };
        Reply {
            warning,
            stdout: format!("{view}{PROMPT}"),
            chosen: None,
        }
    }

    /// The one line saying a filter matched nothing.
    pub fn no_match_message(input: &str) -> String {
        format!(
            "No subscription or tenant matches '{}'; type a number or Enter to keep the default.",
            input.trim()
        )
    }
}

/// An optional sign and ASCII digits, whitespace around ignored: an attempt at a number.
fn looks_numeric(input: &str) -> bool {
    let t = input.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}
