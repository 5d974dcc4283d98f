//! az's "Did you mean" hint: `difflib.get_close_matches(value, choices, cutoff=0.7)`.

/// The best of `choices` by `difflib.get_close_matches(value, choices, cutoff=0.7)`.
pub(super) fn closest_choice<'a>(value: &str, choices: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for choice in choices {
        let score = similarity(value, choice);
        if score >= 0.7 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, choice));
        }
    }
    best.map(|(_, c)| c)
}

/// `difflib.SequenceMatcher(None, a, b).ratio()` (no junk heuristic applies to strings this short).
fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matching_chars(&a, &b) as f64 / total as f64
}

/// Ratcliff/Obershelp: the longest common block, then the same on both sides of it.
fn matching_chars(a: &[char], b: &[char]) -> usize {
    let (mut best_len, mut best_i, mut best_j) = (0, 0, 0);
    for i in 0..a.len() {
        for j in 0..b.len() {
            let mut k = 0;
            while i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k] {
                k += 1;
            }
            if k > best_len {
                (best_len, best_i, best_j) = (k, i, j);
            }
        }
    }
    if best_len == 0 {
        return 0;
    }
    best_len
        + matching_chars(&a[..best_i], &b[..best_j])
        + matching_chars(&a[best_i + best_len..], &b[best_j + best_len..])
}
