//! INI text read and written as Python's `configparser.ConfigParser` does it, because az (through
//! knack and `core/cloud.py`) keeps `config` and `clouds.config` in that format and rewrites them
//! whole with `ConfigParser.write()`.
//!
//! Reading follows `RawConfigParser._read` with the defaults az uses: `=` and `:` delimiters,
//! full-line `#`/`;` comments, no inline comments, option names lower-cased, values stripped,
//! indented continuation lines joined with `\n`, blank lines kept inside values but trimmed from
//! their end, and strict mode (a repeated section or option is an error). Writing is byte for byte
//! `ConfigParser.write()`: comments are dropped, as az drops them.
//!
//! Values are kept raw: `%` interpolation (`%%`, `%(name)s`) is not applied, and `[DEFAULT]` is
//! kept as a section of its own without being merged into the others.

use std::fmt;

/// The name configparser gives its defaults section.
pub const DEFAULT_SECTION: &str = "DEFAULT";

/// Why a text is not configparser INI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniError {
    /// The 1-based line the problem is on.
    pub line: usize,
    /// What is wrong, in configparser's words where it has them.
    pub message: String,
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for IniError {}

/// An INI document: sections in file order, each with its options in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ini {
    sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Section {
    name: String,
    entries: Vec<(String, String)>,
}

impl Ini {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `text` as configparser would (strict mode).
    pub fn parse(text: &str) -> Result<Self, IniError> {
        Parser::default().run(text)
    }

    /// The value of `key` (any case) in `section`.
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        let key = option_name(key);
        self.find(section)?
            .entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` in `section`, creating the section at the end when it is missing. A new key goes
    /// after the section's others; an existing one keeps its place. The key is lower-cased, as
    /// configparser's `optionxform` does.
    pub fn set(&mut self, section: &str, key: &str, value: impl Into<String>) {
        let key = option_name(key);
        let value = value.into();
        let index = self.ensure_section(section);
        let entries = &mut self.sections[index].entries;
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => entries.push((key, value)),
        }
    }

    /// Removes `key` from `section`; says whether it was there.
    pub fn remove(&mut self, section: &str, key: &str) -> bool {
        let key = option_name(key);
        let Some(found) = self.sections.iter_mut().find(|s| s.name == section) else {
            return false;
        };
        let before = found.entries.len();
        found.entries.retain(|(k, _)| *k != key);
        found.entries.len() != before
    }

    /// Adds an empty section at the end; returns `false` (and changes nothing) when it exists.
    pub fn add_section(&mut self, name: &str) -> bool {
        if self.has_section(name) {
            return false;
        }
        self.sections.push(Section {
            name: name.to_string(),
            entries: Vec::new(),
        });
        true
    }

    /// Removes a section and its options; says whether it was there.
    pub fn remove_section(&mut self, name: &str) -> bool {
        let before = self.sections.len();
        self.sections.retain(|s| s.name != name);
        self.sections.len() != before
    }

    /// Whether a section of exactly this name exists (section names are case-sensitive).
    pub fn has_section(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// Section names in file order, without `DEFAULT` (as configparser's `sections()`).
    pub fn sections(&self) -> impl Iterator<Item = &str> {
        self.sections
            .iter()
            .map(|s| s.name.as_str())
            .filter(|n| *n != DEFAULT_SECTION)
    }

    /// The options of a section, in order, as `(lower-cased key, value)`.
    pub fn section(&self, name: &str) -> Option<&[(String, String)]> {
        self.find(name).map(|s| s.entries.as_slice())
    }

    fn find(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    fn ensure_section(&mut self, name: &str) -> usize {
        match self.sections.iter().position(|s| s.name == name) {
            Some(index) => index,
            None => {
                self.sections.push(Section {
                    name: name.to_string(),
                    entries: Vec::new(),
                });
                self.sections.len() - 1
            }
        }
    }
}

/// `ConfigParser.write()`: `[DEFAULT]` first when it has options, then every section as
/// `[name]`, one `key = value` per option (newlines in a value continued with a tab), and a blank
/// line.
impl fmt::Display for Ini {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let defaults = self
            .sections
            .iter()
            .filter(|s| s.name == DEFAULT_SECTION && !s.entries.is_empty());
        let others = self.sections.iter().filter(|s| s.name != DEFAULT_SECTION);
        for section in defaults.chain(others) {
            writeln!(f, "[{}]", section.name)?;
            for (key, value) in &section.entries {
                writeln!(f, "{key} = {}", value.replace('\n', "\n\t"))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// configparser's `optionxform`.
fn option_name(key: &str) -> String {
    key.to_lowercase()
}

/// Python's `str.isspace()`: Unicode whitespace plus the four ASCII separators Python counts.
/// Python's `str.isspace` for one character.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// The state of `RawConfigParser._read` between lines.
#[derive(Default)]
struct Parser {
    ini: Ini,
    /// Index of the current section.
    section: Option<usize>,
    /// Index (in the current section) of the option continuation lines extend.
    option: Option<usize>,
    /// Indent of the last section or option line; deeper lines continue the value.
    indent: usize,
    /// Sections and `(section, option)` pairs seen, for strict mode.
    seen_options: Vec<(usize, String)>,
    /// An error that ends reading: a missing section header or a repeated section or option.
    fatal: Option<IniError>,
    /// The first malformed line; configparser reads on and reports it only at the end.
    malformed: Option<IniError>,
}

impl Parser {
    fn run(mut self, text: &str) -> Result<Ini, IniError> {
        for (index, line) in python_lines(text).enumerate() {
            self.line(index + 1, line);
            if let Some(error) = self.fatal {
                return Err(error);
            }
        }
        if let Some(error) = self.malformed {
            return Err(error);
        }
        for section in &mut self.ini.sections {
            for entry in &mut section.entries {
                let trimmed = entry.1.trim_end_matches(is_py_space).len();
                entry.1.truncate(trimmed);
            }
        }
        Ok(self.ini)
    }

    fn line(&mut self, number: usize, line: &str) {
        let value = py_strip(line);
        if value.starts_with('#') || value.starts_with(';') {
            // A comment line: skipped, and unlike a blank line it adds nothing to a value.
            return;
        }
        if value.is_empty() {
            if let Some(entry) = self.current_entry() {
                entry.push('\n');
            }
            return;
        }
        let indent = line.find(|c: char| !is_py_space(c)).map_or(0, |i| {
            // configparser counts characters, not bytes.
            line[..i].chars().count()
        });
        if indent > self.indent
            && let Some(entry) = self.current_entry()
        {
            entry.push('\n');
            entry.push_str(value);
            return;
        }
        self.indent = indent;
        if let Some(name) = section_header(value) {
            self.start_section(number, name);
        } else if let Some(section) = self.section {
            self.option_line(number, section, value);
        } else {
            self.fatal = Some(IniError {
                line: number,
                message: "File contains no section headers.".to_string(),
            });
        }
    }

    fn current_entry(&mut self) -> Option<&mut String> {
        let (section, option) = (self.section?, self.option?);
        Some(&mut self.ini.sections[section].entries[option].1)
    }

    fn start_section(&mut self, number: usize, name: &str) {
        self.option = None;
        match self.ini.sections.iter().position(|s| s.name == name) {
            // configparser merges repeated [DEFAULT] headers; any other repeat is an error.
            Some(index) if name == DEFAULT_SECTION => self.section = Some(index),
            Some(_) => {
                self.fatal = Some(IniError {
                    line: number,
                    message: format!("section '{name}' already exists"),
                });
            }
            None => {
                self.ini.add_section(name);
                self.section = Some(self.ini.sections.len() - 1);
            }
        }
    }

    fn option_line(&mut self, number: usize, section: usize, value: &str) {
        let Some(at) = value.find(['=', ':']) else {
            self.malformed(
                number,
                format!("not a section header or 'key = value': {value:?}"),
            );
            return;
        };
        let key = option_name(value[..at].trim_end_matches(is_py_space));
        if key.is_empty() {
            // configparser notes the error and still stores the nameless option.
            self.malformed(number, format!("option without a name: {value:?}"));
        }
        if self
            .seen_options
            .iter()
            .any(|(s, k)| *s == section && *k == key)
        {
            let name = &self.ini.sections[section].name;
            self.fatal = Some(IniError {
                line: number,
                message: format!("option '{key}' in section '{name}' already exists"),
            });
            return;
        }
        self.seen_options.push((section, key.clone()));
        let entries = &mut self.ini.sections[section].entries;
        entries.push((key, py_strip(&value[at + 1..]).to_string()));
        self.option = Some(entries.len() - 1);
    }

    fn malformed(&mut self, line: usize, message: String) {
        if self.malformed.is_none() {
            self.malformed = Some(IniError { line, message });
        }
    }
}

/// configparser's `SECTCRE` (`\[(?P<header>.+)\]`, matched at the start of the stripped line):
/// the name runs to the last `]` and may not be empty; text after that `]` is ignored.
fn section_header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

/// Lines as Python's text-mode file iteration gives them (universal newlines: `\n`, `\r\n`
/// and `\r` all end a line), without their terminators.
fn python_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = &rest[..end];
        let skip = if rest[end..].starts_with("\r\n") {
            2
        } else {
            usize::from(end < rest.len())
        };
        rest = &rest[end + skip..];
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOUDS_CONFIG: &str =
        include_str!("../tests/fixtures/az-password-login/files/clouds.config");
    const CONFIG: &str = include_str!("../tests/fixtures/az-password-login/files/config");

    fn parse(text: &str) -> Ini {
        match Ini::parse(text) {
            Ok(ini) => ini,
            Err(e) => panic!("parse failed: {e}"),
        }
    }

    #[test]
    fn az_files_round_trip_byte_for_byte() {
        for text in [CLOUDS_CONFIG, CONFIG] {
            assert_eq!(parse(text).to_string(), text);
        }
    }

    #[test]
    fn az_clouds_config_reads() {
        let ini = parse(CLOUDS_CONFIG);
        assert_eq!(ini.sections().collect::<Vec<_>>(), ["FakeCloud"]);
        assert_eq!(
            ini.get("FakeCloud", "subscription"),
            Some("c0000001-0000-4000-8000-000000000001")
        );
        assert_eq!(
            ini.get("FakeCloud", "ENDPOINT_active_directory"),
            Some("https://localhost:8443")
        );
        assert_eq!(ini.section("FakeCloud").map(<[_]>::len), Some(27));
        let config = parse(CONFIG);
        assert_eq!(config.get("cloud", "name"), Some("FakeCloud"));
        assert_eq!(config.get("core", "instance_discovery"), Some("false"));
        assert_eq!(config.get("Core", "instance_discovery"), None);
    }

    #[test]
    fn writes_as_configparser() {
        let mut ini = Ini::new();
        ini.set("core", "Output", "table");
        ini.set("cloud", "name", "AzureCloud");
        ini.set("core", "only_show_errors", "");
        ini.set("core", "output", "json");
        assert_eq!(
            ini.to_string(),
            "[core]\noutput = json\nonly_show_errors = \n\n[cloud]\nname = AzureCloud\n\n"
        );
        assert_eq!(Ini::new().to_string(), "");
    }

    #[test]
    fn colon_delimiter_comments_and_spacing() {
        let ini = parse(
            "# leading comment\n; another\n[s]\n  KEY :  spaced value  \nother=x=y\nurl = https://h:1/p\n",
        );
        assert_eq!(ini.get("s", "key"), Some("spaced value"));
        assert_eq!(ini.get("s", "other"), Some("x=y"));
        assert_eq!(ini.get("s", "url"), Some("https://h:1/p"));
        // No inline comments by default: the text after `#` is part of the value.
        assert_eq!(parse("[s]\na = b # c\n").get("s", "a"), Some("b # c"));
    }

    #[test]
    fn continuation_lines_and_blank_lines() {
        let ini =
            parse("[s]\nk = first\n  second\n\n\t third\n# comment inside\n  fourth\n\n\nj = 1\n");
        assert_eq!(ini.get("s", "k"), Some("first\nsecond\n\nthird\nfourth"));
        assert_eq!(ini.get("s", "j"), Some("1"));
        // Written back with tab continuations, and read again to the same value.
        let text = ini.to_string();
        assert_eq!(
            text,
            "[s]\nk = first\n\tsecond\n\t\n\tthird\n\tfourth\nj = 1\n\n"
        );
        assert_eq!(parse(&text), ini);
    }

    #[test]
    fn indented_option_after_section_is_an_option() {
        let ini = parse("  [s]\n  a = 1\n  b = 2\n");
        assert_eq!(ini.get("s", "a"), Some("1"));
        assert_eq!(ini.get("s", "b"), Some("2"));
    }

    #[test]
    fn crlf_and_cr_line_endings() {
        let ini = parse("[s]\r\na = 1\r\rb = 2\r\n");
        assert_eq!(ini.get("s", "a"), Some("1"));
        assert_eq!(ini.get("s", "b"), Some("2"));
    }

    #[test]
    fn section_header_shapes() {
        let ini = parse("[a]b] trailing\nk = v\n[ spaced ]\n");
        assert_eq!(ini.get("a]b", "k"), Some("v"));
        assert!(ini.has_section(" spaced "));
        assert!(Ini::parse("[]\n").is_err());
    }

    #[test]
    fn errors_carry_line_numbers() {
        let cases = [
            ("k = v\n", 1, "no section headers"),
            ("\n[s]\na = 1\n[s]\n", 4, "section 's' already exists"),
            (
                "[s]\na = 1\nA = 2\n",
                3,
                "option 'a' in section 's' already exists",
            ),
            ("[s]\njust words\n", 2, "not a section header"),
            ("[s]\n= v\n", 2, "without a name"),
            ("\u{feff}[s]\n", 1, "no section headers"),
        ];
        for (text, line, message) in cases {
            match Ini::parse(text) {
                Ok(_) => panic!("{text:?} parsed"),
                Err(e) => {
                    assert_eq!(e.line, line, "{text:?}");
                    assert!(e.message.contains(message), "{text:?}: {e}");
                }
            }
        }
    }

    #[test]
    fn default_section_is_kept_and_written_first() {
        let ini = parse("[s]\na = 1\n[DEFAULT]\nx = 1\n[DEFAULT]\ny = 2\n");
        assert_eq!(ini.sections().collect::<Vec<_>>(), ["s"]);
        assert_eq!(ini.get(DEFAULT_SECTION, "y"), Some("2"));
        assert_eq!(ini.to_string(), "[DEFAULT]\nx = 1\ny = 2\n\n[s]\na = 1\n\n");
    }

    #[test]
    fn set_remove_and_sections_keep_order() {
        let mut ini = parse("[b]\nx = 1\ny = 2\n\n[a]\nz = 3\n");
        ini.set("b", "x", "10");
        ini.set("c", "w", "4");
        assert!(ini.remove("b", "Y"));
        assert!(!ini.remove("b", "y"));
        assert!(!ini.remove("missing", "y"));
        assert!(!ini.add_section("a"));
        assert!(ini.add_section("d"));
        assert!(ini.remove_section("a"));
        assert!(!ini.remove_section("a"));
        assert_eq!(ini.sections().collect::<Vec<_>>(), ["b", "c", "d"]);
        assert_eq!(ini.to_string(), "[b]\nx = 10\n\n[c]\nw = 4\n\n[d]\n\n");
    }
}
