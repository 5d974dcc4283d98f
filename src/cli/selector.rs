//! The tenant and subscription selector on a terminal: prints what [`crate::selector`] says,
//! reads answers from stdin, and makes the choice the default as `az account set` does.

use std::io::{BufRead, IsTerminal, Write};

use super::console::Console;
use crate::error::Result;
use crate::profile::Subscription;
use crate::selector::{ANNOUNCEMENT, OUTPUT_WARNING, Row, Selector, highlight_for_theme};
use crate::session::Session;

/// Whether stdin and stdout are both terminals (az's `isatty` test for the selector).
pub fn on_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Shows the selector over `entries` with `default_id` marked, sets the chosen entry as the
/// default, and returns it. `None` when there is nothing to choose from.
pub fn select_and_set(
    session: &Session,
    entries: &[Subscription],
    default_id: Option<&str>,
    console: Console,
) -> Result<Option<Row>> {
    let Some(mut selector) = Selector::new(entries, default_id) else {
        return Ok(None);
    };
    let highlight = console
        .color
        .then(|| highlight_for_theme(&session.config().theme()))
        .flatten();
    print(&selector.start(highlight));
    let mut stdin = std::io::stdin().lock();
    let chosen = loop {
        let reply = selector.answer(read_answer(&mut stdin).as_deref(), highlight);
        if let Some(w) = &reply.warning {
            console.warning(w);
        }
        print(&reply.stdout);
        if let Some(row) = reply.chosen {
            break row;
        }
    };
    session.set_account(&chosen.id)?;
    Ok(Some(chosen))
}

/// After a login's selector: az's announcement (stdout) and its warning that the JSON list is
/// no longer printed (stderr).
pub fn announce(console: Console) {
    print(&format!("{ANNOUNCEMENT}\n"));
    console.warning(OUTPUT_WARNING);
}

/// One line without its line ending; `None` at the end of input. A read error ends the input
/// too: the login before it has succeeded, and keeping the default is the safe outcome.
fn read_answer(stdin: &mut impl BufRead) -> Option<String> {
    let mut line = Vec::new();
    match stdin.read_until(b'\n', &mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            let text = String::from_utf8_lossy(&line);
            let text = text.strip_suffix('\n').unwrap_or(&text);
            Some(text.strip_suffix('\r').unwrap_or(text).to_string())
        }
    }
}

fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_lose_their_line_ending_only() {
        let mut input: &[u8] = b" 2\r\n\n3\xff\nlast";
        assert_eq!(read_answer(&mut input).as_deref(), Some(" 2"));
        assert_eq!(read_answer(&mut input).as_deref(), Some(""));
        assert_eq!(read_answer(&mut input).as_deref(), Some("3\u{fffd}"));
        assert_eq!(read_answer(&mut input).as_deref(), Some("last"));
        assert_eq!(read_answer(&mut input), None);
    }
}
