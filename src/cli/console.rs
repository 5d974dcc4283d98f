//! The terminal side of the CLI: az's warning and error lines, colour rules and streams.

use std::io::{IsTerminal, Write};

/// az's dark-theme warning colour.
const WARNING: &str = "\x1b[93m";
/// az's dark-theme error colour.
const ERROR: &str = "\x1b[91m";
const RESET: &str = "\x1b[0m";

/// Where and how messages go: warnings and errors on stderr, coloured only when stdout and
/// stderr are both terminals, colour is not disabled, and (on Windows) the console accepts
/// escape sequences (knack's rule).
#[derive(Clone, Copy, Debug)]
pub struct Console {
    /// Colour on.
    pub color: bool,
    /// `--only-show-errors`.
    pub only_errors: bool,
}

impl Console {
    /// Decides colour from the terminals and `core.no_color`.
    pub fn detect(no_color: bool, only_errors: bool) -> Self {
        let color = !no_color
            && std::io::stdout().is_terminal()
            && std::io::stderr().is_terminal()
            && super::platform::stdout_escape_sequences()
            && super::platform::stderr_escape_sequences();
        Self { color, only_errors }
    }

    /// `WARNING: text`, or the text in yellow with colour on.
    pub fn warning(&self, text: &str) {
        if self.only_errors {
            return;
        }
        let line = if self.color {
            format!("{WARNING}{text}{RESET}\n")
        } else {
            format!("WARNING: {text}\n")
        };
        let _ = std::io::stderr().write_all(line.as_bytes());
    }

    /// `ERROR: text`, or the text in red with colour on.
    pub fn error(&self, text: &str) {
        let line = if self.color {
            format!("{ERROR}{text}{RESET}\n")
        } else {
            format!("ERROR: {text}\n")
        };
        let _ = std::io::stderr().write_all(line.as_bytes());
    }

    /// A message az prints with `print_styled_text` (the device-code message): never hidden.
    pub fn styled_warning(&self, text: &str) {
        let line = if self.color {
            format!("{WARNING}{text}{RESET}\n")
        } else {
            format!("{text}\n")
        };
        let _ = std::io::stderr().write_all(line.as_bytes());
    }

    /// Plain text on stderr (az's recommendations).
    pub fn plain_err(&self, text: &str) {
        let _ = std::io::stderr().write_all(format!("{text}\n").as_bytes());
    }
}
