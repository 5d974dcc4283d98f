//! The selector's screen text, byte for byte az's: tabulate's "simple" format with
//! `disable_numparse=True` and az's `print` calls around it.
//!
//! Widths are code points of the text with ANSI CSI sequences removed, as tabulate measures when
//! `wcwidth` is not installed, which is the case in az's own environment: a CJK or emoji name
//! counts one per code point even though a terminal draws it two columns wide, so such tables
//! look ragged in az and the same in azlogin. Cells are stripped of Python whitespace (tabulate's
//! default); line breaks inside a name are not laid out on several lines as tabulate would.

use super::{Row, Selector};
use crate::ini::is_py_space;

const RESET: &str = "\x1b[0m";
const HEADERS: [&str; 4] = ["No", "Subscription name", "Subscription ID", "Tenant"];

impl Selector {
    /// The table of the rows matching `filter` (see [`Selector::rows`]), the default row's
    /// cells wrapped in `highlight` when given. No trailing newline, as tabulate returns it.
    pub fn render(&self, filter: Option<&str>, highlight: Option<&str>) -> String {
        render_table(&self.rows(filter), highlight)
    }

    /// Everything az prints before its prompt: the heading, the whole table and the sentence
    /// naming the default.
    pub fn intro(&self, highlight: Option<&str>) -> String {
        let d = self.default_row();
        format!(
            "\n[Tenant and subscription selection]\n\n{}\n\nThe default is marked with an *; the default tenant is '{}' and subscription is '{}' ({}).\n\n",
            self.render(None, highlight),
            d.tenant,
            d.name,
            d.id
        )
    }

    /// The view after a filter answer (or its end): a blank line, the table, a blank line.
    pub fn render_view(&self, highlight: Option<&str>) -> String {
        format!("\n{}\n\n", self.render(self.view_filter(), highlight))
    }

    /// What az prints once a row is chosen.
    pub fn echo(row: &Row) -> String {
        format!(
            "\nTenant: {}\nSubscription: {} ({})\n\n",
            row.tenant, row.name, row.id
        )
    }
}

/// tabulate "simple" over the selector's four columns.
pub fn render_table(rows: &[&Row], highlight: Option<&str>) -> String {
    let paint = |text: &str, on: bool| match highlight {
        Some(colour) if on => format!("{colour}{text}{RESET}"),
        _ => text.to_string(),
    };
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            let d = r.is_default;
            let marker = if d { " *" } else { "" };
            [
                format!("{}{marker}", paint(&format!("[{}]", r.number), d)),
                paint(&r.shown_name(), d),
                paint(&r.id, d),
                paint(&r.tenant, d),
            ]
            .map(|c| c.trim_matches(is_py_space).to_string())
        })
        .collect();
    let widths: Vec<usize> = (0..HEADERS.len())
        .map(|i| {
            cells
                .iter()
                .map(|row| visible_width(&row[i]))
                .fold(HEADERS[i].chars().count() + 2, usize::max)
        })
        .collect();
    let mut lines = Vec::with_capacity(rows.len() + 2);
    lines.push(line(HEADERS.iter().copied(), &widths));
    lines.push(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    for row in &cells {
        lines.push(line(row.iter().map(String::as_str), &widths));
    }
    lines.join("\n")
}

/// Cells padded to their column's visible width, two spaces apart, trailing spaces cut.
fn line<'a>(cells: impl Iterator<Item = &'a str>, widths: &[usize]) -> String {
    let padded: Vec<String> = cells
        .zip(widths)
        .map(|(c, w)| {
            let pad = w.saturating_sub(visible_width(c));
            format!("{c}{}", " ".repeat(pad))
        })
        .collect();
    padded.join("  ").trim_end().to_string()
}

fn visible_width(text: &str) -> usize {
    strip_ansi(text).chars().count()
}

/// `text` without ANSI CSI sequences (ESC `[`, parameter bytes 0x30–0x3F, intermediate bytes
/// 0x20–0x2F, one final byte 0x40–0x7E), the sequences tabulate does not count.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let params = after
            .find(|c: char| !('\x30'..='\x3f').contains(&c))
            .unwrap_or(after.len());
        let inter = after[params..]
            .find(|c: char| !('\x20'..='\x2f').contains(&c))
            .map_or(after.len(), |i| params + i);
        match after[inter..].chars().next() {
            Some(f) if ('\x40'..='\x7e').contains(&f) => rest = &after[inter + 1..],
            // Not a complete sequence: tabulate counts it as text.
            _ => {
                out.push_str("\x1b[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
