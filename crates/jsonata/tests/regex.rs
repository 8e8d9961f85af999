//! JSONata's regexes are JavaScript's (no `u` flag). jsonata-core runs them on `regex-lite`
//! (vendor/jsonata-core/VENDORED.md, change 15): these check the places where JavaScript and an
//! ASCII-only engine would part — `\s`, `/i` beyond ASCII — and that `\w`, `\d`, `\b` stay ASCII as
//! in JavaScript. Every expected value is what jsonata-js (Node) gives.

use stepwise_json::{Map, Value};
use stepwise_jsonata::{Env, Expression};

fn eval(text: &str) -> Value {
    let mut random = || 0.5;
    let mut env = Env {
        now_millis: 0,
        random: &mut random,
    };
    let expression = Expression::compile(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    expression
        .evaluate(None, &Map::new(), &mut env)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .unwrap_or_else(|| panic!("{text}: undefined"))
}

fn check(text: &str, expected: &str) {
    assert_eq!(eval(text).to_string(), expected, "{text}");
}

#[test]
fn whitespace_class_is_javascripts() {
    // NBSP, EM SPACE, LINE SEPARATOR, IDEOGRAPHIC SPACE, BOM, tab.
    for ws in ["\\u00a0", "\\u2003", "\\u2028", "\\u3000", "\\ufeff", "\\t"] {
        check(&format!(r#"$contains("a{ws}b", /^a\sb$/)"#), "true");
        check(&format!(r#"$contains("a{ws}b", /^a[\s]b$/)"#), "true");
        check(&format!(r#"$contains("a{ws}b", /^a\Sb$/)"#), "false");
        check(&format!(r#"$contains("a{ws}b", /^a[^\s]b$/)"#), "false");
    }
    // ZERO WIDTH SPACE is not whitespace in JavaScript.
    check(r#"$contains("a\u200bb", /^a\sb$/)"#, "false");
    check(r#"$contains("a\u200bb", /^a[x\S]b$/)"#, "true");
    check(
        r#"$split("one\u00a0two three", /\s/)"#,
        r#"["one","two","three"]"#,
    );
    check(r#"$replace("a\u3000\u3000b", /\s+/, "-")"#, r#""a-b""#);
}

#[test]
fn case_insensitive_matching_reaches_beyond_ascii() {
    check(r#"$contains("CAFÉ", /café/i)"#, "true");
    check(r#"$contains("CAFÉ", /café/)"#, "false");
    check(r#"$contains("ÀÉÎ", /^[à-ÿ]+$/i)"#, "true");
    check(r#"$contains("Ö", /^[\u00e0-\u00ff]$/i)"#, "true");
    check(r#"$contains("É", /^\u00e9$/i)"#, "true");
    check(r#"$contains("ΣΟΦΙΑ", /σοφια/i)"#, "true");
    check(
        r#"$match("Ärger ärger", /ärger/i).match"#,
        r#"["Ärger","ärger"]"#,
    );
    // Without `u`, JavaScript never folds a non-ASCII letter to an ASCII one.
    check(r#"$contains("ſ", /^s$/i)"#, "false");
    check(r#"$contains("k", /^\u212a$/i)"#, "false");
    check(r#"$contains("K", /^k$/i)"#, "true");
}

#[test]
fn word_digit_and_boundary_are_ascii_as_in_javascript() {
    check(r#"$contains("é", /^\w$/)"#, "false");
    check(r#"$contains("٣", /^\d$/)"#, "false");
    check(
        r#"$match("naïve x_1", /\w+/).match"#,
        r#"["na","ve","x_1"]"#,
    );
    check(r#"$match("résumé", /\b\w+\b/).match"#, r#"["r","sum"]"#);
}

#[test]
fn patterns_without_those_classes_keep_working() {
    check(
        r#"$replace("2024-01-15", /(\d+)-(\d+)-(\d+)/, "$3/$2/$1")"#,
        r#""15/01/2024""#,
    );
    check(
        r#"$match("x1 y22", /(?<l>[a-z])(\d+)/).groups"#,
        r#"["x","1","y","22"]"#,
    );
}
