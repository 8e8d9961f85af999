use crate::{Map, Value};
use std::sync::Arc;

fn big_doc() -> Value {
    let records: Vec<serde_json::Value> = (0..60)
        .map(|i| serde_json::json!({"name": format!("user{i}"), "tags": ["a\"b", "c\\d", "é\n"], "score": i as f64 / 3.0, "id": -i}))
        .collect();
    json!({"doc": {"records": records}, "meta": {"n": 60}})
}

#[test]
fn text_is_serde_jsons_text() {
    for v in [
        big_doc(),
        json!(null),
        json!([]),
        json!({}),
        json!({"a": [1, -2, 3.5, 1e300, 0.1, u64::MAX], "b": "\u{1}\u{1f}\u{7f}\"\\/ü😀\t\r\n\u{8}\u{c}", "c": {"d": true, "e": false}}),
    ] {
        let expected = serde_json::to_string(&serde_json::Value::from(&v)).unwrap();
        assert_eq!(v.to_json_string(), expected);
        assert_eq!(&*v.to_json_text(), expected);
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            expected,
            "Serialize agrees"
        );
        assert_eq!(v.to_string(), expected, "Display agrees");
    }
}

#[test]
fn parses_what_serde_json_parses_and_keeps_key_order() {
    let text = r#"{"z":1,"a":[1.5,{"y":null,"b":"x"}],"m":-0.0,"big":18446744073709551615}"#;
    let v: Value = text.parse().unwrap();
    assert_eq!(
        v.to_json_string(),
        serde_json::from_str::<serde_json::Value>(text)
            .unwrap()
            .to_string()
    );
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["z", "a", "m", "big"]
    );
}

#[test]
fn clones_share_and_changes_copy_on_write() {
    let a = big_doc();
    let mut b = a.clone();
    assert!(a["doc"]
        .as_object()
        .unwrap()
        .ptr_eq(b["doc"].as_object().unwrap()));
    b.as_object_mut()
        .unwrap()
        .get_mut("meta")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert("n".into(), json!(0));
    assert_eq!(a["meta"]["n"], json!(60), "the original is unchanged");
    assert_eq!(b["meta"]["n"], json!(0));
    assert!(
        a["doc"]
            .as_object()
            .unwrap()
            .ptr_eq(b["doc"].as_object().unwrap()),
        "untouched subtrees stay shared"
    );
}

#[test]
fn remembered_text_is_forgotten_on_change() {
    let doc = big_doc()["doc"].clone();
    let holder = json!({"x": 1});
    let mut outer = holder.clone();
    outer
        .as_object_mut()
        .unwrap()
        .insert("doc".into(), doc.clone());
    let first = outer.to_json_text();
    let again = outer.to_json_text();
    assert!(Arc::ptr_eq(&first, &again), "the whole text is remembered");
    // `doc` is shared by `outer` and the local, so its text was remembered too.
    let mut changed = doc.clone();
    changed
        .as_object_mut()
        .unwrap()
        .get_mut("records")
        .unwrap()
        .as_array_mut()
        .unwrap()[0] = json!("replaced");
    assert!(changed
        .to_json_string()
        .starts_with(r#"{"records":["replaced","#));
    assert_eq!(
        doc.to_json_string(),
        serde_json::Value::from(&doc).to_string()
    );
    let mut outer2 = outer.clone();
    outer2.as_object_mut().unwrap().insert("x".into(), json!(2));
    assert!(outer2.to_json_string().starts_with(r#"{"x":2,"#));
    assert_eq!(outer.to_json_string(), *first);
}

#[test]
fn map_keeps_order_on_remove_and_replace() {
    let mut m: Map = [("a", 1), ("b", 2), ("c", 3)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    m.insert("a".into(), json!(9));
    m.remove("b");
    assert_eq!(Value::Object(m).to_json_string(), r#"{"a":9,"c":3}"#);
}

#[test]
fn accessors_follow_serde_json() {
    let v = json!({"a": [10, {"b~/c": "x"}]});
    assert_eq!(v.pointer("/a/1/b~0~1c"), Some(&json!("x")));
    assert_eq!(v.pointer("/a/01"), None);
    assert_eq!(v["a"][0], json!(10));
    assert!(v["missing"]["deeper"].is_null());
    assert_eq!(
        v.get("a")
            .and_then(|a| a.get(1))
            .and_then(|o| o.get("b~/c")),
        Some(&json!("x"))
    );
    let mut n = Value::Null;
    n["k"] = json!(true);
    assert_eq!(n, json!({"k": true}));
    assert_eq!(json!(3), 3i64);
    assert_eq!(json!("s"), "s");
}

#[test]
fn json_macro_builds_what_serde_json_builds() {
    let name = String::from("n");
    let shared = json!({"deep": [1, 2, 3]});
    let v = json!({
        "a": null, "b": [true, false, -1, 2.5, "s", [], {}],
        "c": { "name": name, "len": name.len(), "calc": 2 + 3 * 4, "none": Option::<i64>::None },
        (format!("k{}", 1)): shared,
        "t": [ {"x": 1}, [1, [2]], ],
    });
    let expected = serde_json::json!({
        "a": null, "b": [true, false, -1, 2.5, "s", [], {}],
        "c": { "name": "n", "len": 1, "calc": 14, "none": null },
        "k1": {"deep": [1, 2, 3]},
        "t": [ {"x": 1}, [1, [2]] ],
    });
    assert_eq!(v, expected);
    assert!(
        v["k1"]
            .as_object()
            .unwrap()
            .ptr_eq(shared.as_object().unwrap()),
        "interpolated values are shared"
    );
}

#[test]
fn strings_escape_as_serde_json_at_every_position() {
    let pieces = [
        "a", "\"", "\\", "\n", "\u{0}", "\u{1f}", "\u{7f}", "é", "😀", " ", "~", "\t", "/",
    ];
    // Every piece at every offset of a long run, so both the 8-byte scan and the tail see it.
    for piece in pieces {
        for offset in 0..20 {
            let s = format!("{}{piece}{}", "x".repeat(offset), "y".repeat(19 - offset));
            let mut out = String::new();
            crate::text::write_string(&s, &mut out);
            assert_eq!(out, serde_json::to_string(&s).unwrap(), "{s:?}");
        }
    }
    let mixed: String = (0u32..600).filter_map(char::from_u32).collect();
    assert_eq!(
        json!(mixed.clone()).to_json_string(),
        serde_json::to_string(&mixed).unwrap()
    );
}

#[test]
fn maps_small_and_large_behave_alike() {
    // Through the switch from a vector to an index (and back to order checks after removals).
    for n in [0usize, 1, 5, 12, 13, 40] {
        let mut m = Map::new();
        let mut model = serde_json::Map::new();
        for i in 0..n {
            m.insert(format!("k{}", (i * 7) % n.max(1)).into(), json!(i));
            model.insert(format!("k{}", (i * 7) % n.max(1)), serde_json::json!(i));
        }
        m.insert("k0".into(), json!("again"));
        model.insert("k0".into(), serde_json::json!("again"));
        for gone in ["k3", "k1", "absent"] {
            assert_eq!(m.remove(gone).is_some(), model.shift_remove(gone).is_some());
        }
        let v = Value::Object(m.clone());
        assert_eq!(v, serde_json::Value::Object(model.clone()), "n = {n}");
        assert_eq!(
            v.to_json_string(),
            serde_json::Value::Object(model.clone()).to_string()
        );
        assert_eq!(m.len(), model.len());
        assert_eq!(
            m.get_index(0).map(|(k, _)| k.to_string()),
            model.keys().next().cloned()
        );
        if let Some(x) = m.get_mut("k2") {
            *x = json!("changed");
        }
        assert!(m.get("k2").is_none_or(|x| *x == json!("changed")));
        assert_eq!(m.clone().into_iter().count(), m.iter().count());
        assert_eq!(
            m.keys().next_back().map(|k| k.as_str()),
            model.keys().next_back().map(|k| k.as_str())
        );
    }
}

mod properties {
    use crate::Value;
    use proptest::prelude::*;

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            (-1e6f64..1e6).prop_map(serde_json::Value::from),
            "[a-c\"\\\\\n é]{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 64, 16, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..16).prop_map(serde_json::Value::Array),
                prop::collection::vec(("[a-p]{1,2}", inner), 0..20)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// One change somewhere in a value, made the same way on both representations.
    #[derive(Debug, Clone)]
    enum Change {
        Insert(Vec<usize>, String, serde_json::Value),
        Remove(Vec<usize>, usize),
        Push(Vec<usize>, serde_json::Value),
    }

    fn arb_change() -> impl Strategy<Value = Change> {
        let route = prop::collection::vec(0usize..20, 0..4);
        prop_oneof![
            (route.clone(), "[a-p]{1,2}", arb_json()).prop_map(|(r, k, v)| Change::Insert(r, k, v)),
            (route.clone(), 0usize..20).prop_map(|(r, i)| Change::Remove(r, i)),
            (route, arb_json()).prop_map(|(r, v)| Change::Push(r, v)),
        ]
    }

    fn descend_model<'a>(
        mut v: &'a mut serde_json::Value,
        route: &[usize],
    ) -> &'a mut serde_json::Value {
        for &i in route {
            let len = match &*v {
                serde_json::Value::Array(a) => a.len(),
                serde_json::Value::Object(m) => m.len(),
                _ => 0,
            };
            if len == 0 {
                break;
            }
            v = match v {
                serde_json::Value::Array(a) => &mut a[i % len],
                serde_json::Value::Object(m) => m.values_mut().nth(i % len).expect("in range"),
                _ => unreachable!(),
            };
        }
        v
    }

    fn descend<'a>(mut v: &'a mut Value, route: &[usize]) -> &'a mut Value {
        for &i in route {
            let len = match &*v {
                Value::Array(a) => a.len(),
                Value::Object(m) => m.len(),
                _ => 0,
            };
            if len == 0 {
                break;
            }
            v = match v {
                Value::Array(a) => &mut a[i % len],
                Value::Object(m) => m.values_mut().nth(i % len).expect("in range"),
                _ => unreachable!(),
            };
        }
        v
    }

    fn apply(ours: &mut Value, model: &mut serde_json::Value, change: &Change) {
        match change {
            Change::Insert(route, key, value) => {
                if let (Value::Object(m), serde_json::Value::Object(mm)) =
                    (descend(ours, route), descend_model(model, route))
                {
                    m.insert(key.into(), Value::from(value.clone()));
                    mm.insert(key.clone(), value.clone());
                }
            }
            Change::Remove(route, i) => match (descend(ours, route), descend_model(model, route)) {
                (Value::Object(m), serde_json::Value::Object(mm)) if !mm.is_empty() => {
                    let key = mm.keys().nth(i % mm.len()).expect("in range").clone();
                    m.remove(&key);
                    mm.shift_remove(&key);
                }
                (Value::Array(a), serde_json::Value::Array(aa)) if !aa.is_empty() => {
                    a.remove(i % aa.len());
                    aa.remove(i % aa.len());
                }
                _ => {}
            },
            Change::Push(route, value) => {
                if let (Value::Array(a), serde_json::Value::Array(aa)) =
                    (descend(ours, route), descend_model(model, route))
                {
                    a.push(Value::from(value.clone()));
                    aa.push(value.clone());
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Text and parse agree with serde_json, and changing a copy (whose containers may carry
        /// remembered text) never shows in the original nor leaves stale text in the copy.
        #[test]
        fn copies_change_independently_and_text_never_goes_stale(start in arb_json(), changes in prop::collection::vec(arb_change(), 1..8)) {
            let original = Value::from(start.clone());
            let text = start.to_string();
            prop_assert_eq!(original.to_json_string(), text.clone());
            prop_assert_eq!(text.parse::<Value>().unwrap(), original.clone());
            let mut ours = original.clone();
            let mut model = start.clone();
            // Shared containers with text remembered, before and between the changes.
            let _ = (original.to_json_text(), ours.to_json_text());
            for change in &changes {
                apply(&mut ours, &mut model, change);
                prop_assert_eq!(&*ours.to_json_text(), model.to_string());
                prop_assert_eq!(ours.to_json_string(), model.to_string());
            }
            prop_assert_eq!(&*original.to_json_text(), text);
            prop_assert_eq!(serde_json::Value::from(&ours), model);
        }
    }
}
