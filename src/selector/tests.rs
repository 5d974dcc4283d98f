use serde_json::{Value, json};

use super::*;

/// The cases az's own selector was run on (tests/golden/selector/generate.py).
const CASES: &str = include_str!("../../tests/golden/selector/cases.json");
const SELECTED: &str = include_str!("../../tests/golden/selector/selected.json");

fn golden(name: &str) -> String {
    let path = format!(
        "{}/tests/golden/selector/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn entry(id: &str, name: &str, tenant_id: &str, display: Option<&str>) -> Subscription {
    let mut v = json!({"id": id, "name": name, "state": "Enabled", "tenantId": tenant_id});
    if let Some(d) = display {
        v["tenantDisplayName"] = json!(d);
    }
    Subscription::from_json(v).expect("entry")
}

fn entries_of(case: &Value) -> Vec<Subscription> {
    case["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            let mut v = e.clone();
            v["state"] = json!("Enabled");
            Subscription::from_json(v).expect("entry")
        })
        .collect()
}

/// Plays the terminal driver: the start, then each answer; warnings as knack prints them
/// without colour. Returns stdout, stderr and the chosen id.
fn drive(selector: &mut Selector, answers: &[&str], hl: Option<&str>) -> (String, String, String) {
    let mut out = selector.start(hl);
    let mut err = String::new();
    for a in answers {
        let reply = selector.answer(Some(a), hl);
        if let Some(w) = reply.warning {
            err.push_str(&format!("WARNING: {w}\n"));
        }
        out.push_str(&reply.stdout);
        if let Some(row) = reply.chosen {
            return (out, err, row.id);
        }
    }
    panic!("no choice after {answers:?}:\n{out}");
}

#[test]
fn screens_match_az_byte_for_byte() {
    let cases: Vec<Value> = serde_json::from_str(CASES).expect("cases");
    let selected: Value = serde_json::from_str(SELECTED).expect("selected");
    assert!(cases.len() >= 10);
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let hl = highlight_for_theme(case["theme"].as_str().expect("theme"));
        let mut selector =
            Selector::new(&entries_of(case), case["default"].as_str()).expect("rows");
        let answers: Vec<&str> = case["answers"]
            .as_array()
            .expect("answers")
            .iter()
            .map(|a| a.as_str().expect("answer"))
            .collect();
        let (out, err, id) = drive(&mut selector, &answers, hl);
        assert_eq!(out, golden(&format!("{name}.stdout.txt")), "{name} stdout");
        assert_eq!(err, golden(&format!("{name}.stderr.txt")), "{name} stderr");
        assert_eq!(id, selected[name].as_str().expect("id"), "{name} choice");
    }
}

fn sample() -> Vec<Subscription> {
    vec![
        entry("c-1", "Contoso Production", "t-1", Some("Contoso")),
        entry("c-2", "Contoso Dev", "t-1", Some("Contoso")),
        entry("f-1", "Fabrikam Staging", "t-2", None),
        entry("w-1", "Woodgrove Dev", "t-3", Some("Woodgrove Bank")),
    ]
}

#[test]
fn names_are_cut_after_36_code_points() {
    let row = |name: &str| Row {
        number: 1,
        name: name.into(),
        id: String::new(),
        tenant: String::new(),
        tenant_id: String::new(),
        is_default: false,
    };
    let n36 = "é".repeat(36);
    assert_eq!(row(&n36).shown_name(), n36);
    assert_eq!(
        row(&"é".repeat(37)).shown_name(),
        format!("{}...", "é".repeat(33))
    );
    assert_eq!(
        row("🚀".repeat(40).as_str()).shown_name().chars().count(),
        36
    );
}

#[test]
fn filter_keeps_the_original_numbers() {
    let mut s = Selector::new(&sample(), Some("c-1")).expect("rows");
    let reply = s.answer(Some("dev"), None);
    assert_eq!(reply.warning, None);
    assert_eq!(
        reply.stdout,
        "\nNo    Subscription name    Subscription ID    Tenant\n\
         ----  -------------------  -----------------  --------------\n\
         [1]   Contoso Dev          c-2                Contoso\n\
         [4]   Woodgrove Dev        w-1                Woodgrove Bank\n\
         \n\
         Select a subscription and tenant (Type a number or Enter for no changes): "
    );
    assert_eq!(s.view_filter(), Some("dev"));
    // A number selects from the whole list, shown or not.
    assert_eq!(s.clone().choose("3"), Choice::Selected(3));
    // Enter on several rows goes back to the whole list, a second Enter keeps the default.
    let back = s.answer(Some(""), None);
    assert!(
        back.stdout.contains("[2] *  Contoso Production"),
        "{}",
        back.stdout
    );
    assert_eq!(back.chosen, None);
    assert_eq!(s.choose(""), Choice::Keep);
}

#[test]
fn filter_matches_tenants_ids_and_unicode_case() {
    let mut list = sample();
    list.push(entry("e-1", "Éclair", "t-4", Some("東京テナント")));
    let s = Selector::new(&list, None).expect("rows");
    let numbers = |f: &str| -> Vec<usize> { s.rows(Some(f)).iter().map(|r| r.number).collect() };
    assert_eq!(numbers("ÉCLAIR"), [5]);
    assert_eq!(numbers("東京"), [5]);
    assert_eq!(numbers("t-2"), [3]);
    assert_eq!(numbers("woodgrove bank"), [4]);
    assert_eq!(numbers("  contoso  "), [1, 2]);
}

#[test]
fn enter_on_a_single_row_view_selects_it() {
    let mut s = Selector::new(&sample(), Some("c-1")).expect("rows");
    assert_eq!(s.choose("fabrikam"), Choice::Filtered(1));
    let reply = s.answer(Some(""), None);
    assert_eq!(
        reply.stdout,
        "\nTenant: t-2\nSubscription: Fabrikam Staging (f-1)\n\n"
    );
    assert_eq!(reply.chosen.map(|r| r.id), Some("f-1".to_string()));
}

#[test]
fn no_match_leaves_the_view_and_says_so() {
    let mut s = Selector::new(&sample(), Some("c-1")).expect("rows");
    s.choose("woodgrove");
    let reply = s.answer(Some("abc"), None);
    assert_eq!(
        reply.warning.as_deref(),
        Some(
            "No subscription or tenant matches 'abc'; type a number or Enter to keep the default."
        )
    );
    assert_eq!(reply.stdout, PROMPT);
    assert_eq!(s.view_filter(), Some("woodgrove"));
}

#[test]
fn numbers_are_exact_strings() {
    let mut s = Selector::new(&sample(), Some("c-1")).expect("rows");
    for bad in [
        " 2",
        "2 ",
        "0",
        "5",
        "02",
        "+2",
        "-1",
        "99999999999999999999999",
        "   ",
        "\t",
    ] {
        assert_eq!(s.choose(bad), Choice::Invalid, "{bad:?}");
        assert_eq!(s.view_filter(), None);
    }
    assert_eq!(s.choose("4"), Choice::Selected(4));
    assert_eq!(s.choose(""), Choice::Keep);
    assert_eq!(s.chosen(&Choice::Keep).map(|r| r.id.as_str()), Some("c-1"));
}

#[test]
fn end_of_input_keeps_the_default_after_a_newline() {
    let mut s = Selector::new(&sample(), Some("w-1")).expect("rows");
    s.choose("contoso");
    let reply = s.answer(None, None);
    assert_eq!(
        reply.stdout,
        "\n\nTenant: Woodgrove Bank\nSubscription: Woodgrove Dev (w-1)\n\n"
    );
    assert_eq!(reply.chosen.map(|r| r.id), Some("w-1".to_string()));
}

#[test]
fn default_falls_back_to_the_first_enabled_entry() {
    let mut list = vec![
        Subscription::from_json(
            json!({"id": "d-1", "name": "A disabled", "state": "Disabled", "tenantId": "t"}),
        )
        .expect("entry"),
    ];
    list.extend(sample());
    let s = Selector::new(&list, Some("not-there")).expect("rows");
    assert_eq!(s.default_row().id, "c-1");
    assert!(Selector::new(&[], None).is_none());
}

#[test]
fn ansi_sequences_do_not_count() {
    assert_eq!(strip_ansi("\x1b[96m[1]\x1b[0m *"), "[1] *");
    assert_eq!(strip_ansi("\x1b[38;2;114;215;216mx\x1b[0m"), "x");
    assert_eq!(strip_ansi("a\x1b[b"), "a");
    assert_eq!(strip_ansi("a\x1b["), "a\x1b[");
    assert_eq!(strip_ansi("é\x1b[1;2"), "é\x1b[1;2");
}

#[test]
fn themes_pick_az_highlight_colours() {
    assert_eq!(highlight_for_theme("dark"), Some("\x1b[96m"));
    assert_eq!(highlight_for_theme("light"), Some("\x1b[36m"));
    assert_eq!(highlight_for_theme("none"), None);
    let s = Selector::new(&sample(), Some("c-2")).expect("rows");
    assert!(
        s.render(None, highlight_for_theme("light"))
            .contains("\x1b[36m[1]\x1b[0m *  \x1b[36mContoso Dev\x1b[0m")
    );
}
