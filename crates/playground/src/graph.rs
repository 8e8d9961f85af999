//! Layered layout of a state machine for the graph view (plain Rust, no UI imports).
//!
//! Written here rather than taken from a crate: the graph layout crates on crates.io either pull
//! in a renderer of their own or do not handle nested boxes, and a state machine is small (tens
//! of states), so a deliberate, short Sugiyama-style pass is enough:
//! 1. rank states by breadth-first search from `StartAt`, then push targets of forward edges
//!    below their sources (longest path over the edges that do not close a loop), so a
//!    join sits under both of its inputs;
//! 2. order states within a rank by discovery order, then by the average position of their
//!    predecessors (two barycenter sweeps) to limit crossings;
//! 3. size leaves by their label and compound states (Parallel, Map) by laying out their
//!    branches recursively, side by side;
//! 4. centre each rank and draw edges as vertical cubic curves; loops go round the right side.

use serde_json::Value;

pub const LEAF_H: f64 = 40.0;
const RANK_GAP: f64 = 56.0;
const NODE_GAP: f64 = 28.0;
const PAD: f64 = 14.0;
const HEADER: f64 = 30.0;
const MARKER: f64 = 28.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    Next,
    Choice,
    Default,
    Catch,
    /// From the Start marker or to the End marker.
    Marker,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    /// The state name; `"⟨start⟩"`/`"⟨end⟩"` for the markers.
    pub id: String,
    pub label: String,
    /// The state's `Type`, or `"Start"`/`"End"`/`"Branch"` for drawn helpers.
    pub kind: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Nesting depth (0 for top-level states).
    pub depth: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EdgePath {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    pub label: Option<String>,
    /// SVG path data.
    pub d: String,
    pub label_x: f64,
    pub label_y: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Outer boxes come before the boxes nested in them, so drawing in order layers correctly.
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgePath>,
}

pub const START_ID: &str = "⟨start⟩";
pub const END_ID: &str = "⟨end⟩";

/// Lays out a parsed definition. Anything malformed (missing `States`, unknown targets) is drawn
/// as far as it makes sense and never panics.
pub fn layout_definition(def: &Value) -> Layout {
    let mut sub = layout_level(def, 0, true);
    sub.translate(PAD, PAD);
    Layout {
        width: sub.w + 2.0 * PAD,
        height: sub.h + 2.0 * PAD,
        nodes: sub.nodes,
        edges: sub.edges,
    }
}

/// Lays out definition text; `None` when it is not JSON (the view keeps its last good graph).
pub fn layout_text(text: &str) -> Option<Layout> {
    serde_json::from_str::<Value>(text)
        .ok()
        .map(|v| layout_definition(&v))
}

struct Sub {
    w: f64,
    h: f64,
    nodes: Vec<NodeBox>,
    edges: Vec<EdgePath>,
}

impl Sub {
    fn translate(&mut self, dx: f64, dy: f64) {
        for n in &mut self.nodes {
            n.x += dx;
            n.y += dy;
        }
        for e in &mut self.edges {
            e.d = shift_path(&e.d, dx, dy);
            e.label_x += dx;
            e.label_y += dy;
        }
    }
}

fn shift_path(d: &str, dx: f64, dy: f64) -> String {
    // Paths are written by `curve` below as "M x y C x y, x y, x y" with plain numbers.
    let mut out = String::with_capacity(d.len());
    let mut is_x = true;
    for tok in d.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        let (num, comma) = match tok.strip_suffix(',') {
            Some(t) => (t, ","),
            None => (tok, ""),
        };
        match num.parse::<f64>() {
            Ok(v) => {
                let v = if is_x { v + dx } else { v + dy };
                is_x = !is_x;
                out.push_str(&fmt(v));
                out.push_str(comma);
            }
            Err(_) => out.push_str(tok),
        }
    }
    out
}

fn fmt(v: f64) -> String {
    format!("{}", (v * 10.0).round() / 10.0)
}

fn curve(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    let my = (y2 - y1).abs().max(20.0) / 2.0;
    format!(
        "M {} {} C {} {}, {} {}, {} {}",
        fmt(x1),
        fmt(y1),
        fmt(x1),
        fmt(y1 + my),
        fmt(x2),
        fmt(y2 - my),
        fmt(x2),
        fmt(y2)
    )
}

struct Succ {
    to: String,
    kind: EdgeKind,
    label: Option<String>,
}

fn successors(state: &Value) -> Vec<Succ> {
    let mut out = Vec::new();
    let s = |v: &Value| v.as_str().map(str::to_string);
    if let Some(choices) = state.get("Choices").and_then(Value::as_array) {
        for (i, rule) in choices.iter().enumerate() {
            if let Some(to) = rule.get("Next").and_then(s) {
                out.push(Succ {
                    to,
                    kind: EdgeKind::Choice,
                    label: Some(rule_label(rule, i)),
                });
            }
        }
        if let Some(to) = state.get("Default").and_then(s) {
            out.push(Succ {
                to,
                kind: EdgeKind::Default,
                label: Some("Default".into()),
            });
        }
    }
    if let Some(to) = state.get("Next").and_then(s) {
        out.push(Succ {
            to,
            kind: EdgeKind::Next,
            label: None,
        });
    }
    if let Some(catchers) = state.get("Catch").and_then(Value::as_array) {
        for c in catchers {
            if let Some(to) = c.get("Next").and_then(s) {
                let errors: Vec<&str> = c
                    .get("ErrorEquals")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let label = if errors.is_empty() {
                    "Catch".to_string()
                } else {
                    shorten(&errors.join(", "), 28)
                };
                out.push(Succ {
                    to,
                    kind: EdgeKind::Catch,
                    label: Some(label),
                });
            }
        }
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// A short, readable summary of a Choice rule, like the console's edge labels.
pub fn rule_label(rule: &Value, index: usize) -> String {
    const OPS: &[(&str, &str)] = &[
        ("StringEquals", "=="),
        ("NumericEquals", "=="),
        ("BooleanEquals", "=="),
        ("TimestampEquals", "=="),
        ("NumericLessThan", "<"),
        ("NumericGreaterThan", ">"),
        ("NumericLessThanEquals", "<="),
        ("NumericGreaterThanEquals", ">="),
        ("StringLessThan", "<"),
        ("StringGreaterThan", ">"),
        ("StringMatches", "matches"),
        ("IsPresent", "is present"),
        ("IsNull", "is null"),
    ];
    if let Some(cond) = rule.get("Condition").and_then(Value::as_str) {
        return shorten(
            cond.trim_start_matches("{%").trim_end_matches("%}").trim(),
            28,
        );
    }
    if let Some(var) = rule.get("Variable").and_then(Value::as_str) {
        for (key, op) in OPS {
            if let Some(v) = rule.get(*key) {
                let rhs = if v.is_boolean() && (*key == "IsPresent" || *key == "IsNull") {
                    if v.as_bool() == Some(true) {
                        String::new()
                    } else {
                        " = false".into()
                    }
                } else {
                    format!(" {}", v)
                };
                return shorten(&format!("{var} {op}{rhs}"), 28);
            }
        }
    }
    format!("Rule #{}", index + 1)
}

fn is_terminal(state: &Value) -> bool {
    state.get("End").and_then(Value::as_bool) == Some(true)
        || matches!(
            state.get("Type").and_then(Value::as_str),
            Some("Succeed" | "Fail")
        )
}

fn leaf_width(label: &str) -> f64 {
    (label.chars().count() as f64 * 7.2 + 40.0).clamp(120.0, 240.0)
}

/// Lays out one `{StartAt, States}` level (the machine, a Parallel branch or a Map processor).
fn layout_level(def: &Value, depth: u32, markers: bool) -> Sub {
    let empty = serde_json::Map::new();
    let states = def
        .get("States")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let names: Vec<&String> = states.keys().collect();
    let index_of = |n: &str| names.iter().position(|m| m.as_str() == n);
    let succ: Vec<Vec<Succ>> = names
        .iter()
        .map(|n| successors(&states[n.as_str()]))
        .collect();
    let succ_idx: Vec<Vec<usize>> = succ
        .iter()
        .map(|ss| ss.iter().filter_map(|s| index_of(&s.to)).collect())
        .collect();
    let n = names.len();

    // 1. Ranks: BFS discovery, then longest path over non-loop edges.
    let start = def
        .get("StartAt")
        .and_then(Value::as_str)
        .and_then(index_of);
    let mut rank: Vec<Option<usize>> = vec![None; n];
    let mut discovery: Vec<usize> = Vec::new();
    if let Some(s) = start {
        rank[s] = Some(0);
        discovery.push(s);
        let mut head = 0;
        while head < discovery.len() {
            let u = discovery[head];
            head += 1;
            for &v in &succ_idx[u] {
                if rank[v].is_none() {
                    rank[v] = Some(rank[u].unwrap_or(0) + 1);
                    discovery.push(v);
                }
            }
        }
    }
    // Loop-closing edges: those reaching a state on the current DFS path.
    let mut back = vec![Vec::new(); n];
    if let Some(s) = start {
        let mut on_path = vec![false; n];
        let mut seen = vec![false; n];
        let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
        seen[s] = true;
        on_path[s] = true;
        while let Some((u, i)) = stack.pop() {
            if i < succ_idx[u].len() {
                stack.push((u, i + 1));
                let v = succ_idx[u][i];
                if on_path[v] {
                    back[u].push(v);
                } else if !seen[v] {
                    seen[v] = true;
                    on_path[v] = true;
                    stack.push((v, 0));
                }
            } else {
                on_path[u] = false;
            }
        }
    }
    for _ in 0..n {
        let mut changed = false;
        for u in 0..n {
            let Some(ru) = rank[u] else { continue };
            for &v in &succ_idx[u] {
                if back[u].contains(&v) || v == u {
                    continue;
                }
                if let Some(rv) = rank[v] {
                    if rv < ru + 1 {
                        rank[v] = Some(ru + 1);
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    let max_rank = rank.iter().flatten().copied().max();
    let mut next_free = max_rank.map_or(0, |r| r + 1);
    for (i, r) in rank.iter_mut().enumerate() {
        if r.is_none() {
            // Unreachable states sit below the rest, one per rank, so they stay visible.
            *r = Some(next_free);
            next_free += 1;
            discovery.push(i);
        }
    }
    let rank: Vec<usize> = rank.into_iter().map(|r| r.unwrap_or(0)).collect();
    let rank_count = rank.iter().copied().max().map_or(0, |m| m + 1);

    // 2. Order within ranks.
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); rank_count];
    for &i in &discovery {
        rows[rank[i]].push(i);
    }
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for u in 0..n {
        for &v in &succ_idx[u] {
            if rank[u] < rank[v] {
                preds[v].push(u);
            }
        }
    }
    for _ in 0..2 {
        let mut pos = vec![0.0f64; n];
        for r in 0..rank_count {
            for (k, &i) in rows[r].iter().enumerate() {
                pos[i] = k as f64;
            }
            if r + 1 < rank_count {
                let row = &mut rows[r + 1];
                let bary: Vec<(usize, f64)> = row
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| {
                        let ps: Vec<f64> = preds[i].iter().map(|&p| pos[p]).collect();
                        (
                            i,
                            if ps.is_empty() {
                                k as f64
                            } else {
                                ps.iter().sum::<f64>() / ps.len() as f64
                            },
                        )
                    })
                    .collect();
                let mut sorted = bary;
                sorted.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal));
                *row = sorted.into_iter().map(|(i, _)| i).collect();
            }
        }
    }

    // 3. Sizes, nested levels first.
    let mut inner: Vec<Option<Sub>> = Vec::with_capacity(n);
    let mut size: Vec<(f64, f64)> = Vec::with_capacity(n);
    for name in &names {
        let st = &states[name.as_str()];
        let ty = st.get("Type").and_then(Value::as_str).unwrap_or("");
        let branch_defs: Vec<&Value> = match ty {
            "Parallel" => st
                .get("Branches")
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            "Map" => st
                .get("ItemProcessor")
                .or_else(|| st.get("Iterator"))
                .into_iter()
                .collect(),
            _ => Vec::new(),
        };
        if branch_defs.is_empty() {
            inner.push(None);
            size.push((leaf_width(name), LEAF_H));
            continue;
        }
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        let mut x = PAD;
        let mut h: f64 = 0.0;
        for (bi, b) in branch_defs.iter().enumerate() {
            let mut sub = layout_level(b, depth + 1, false);
            let frame_w = sub.w + 2.0 * PAD;
            let frame_h = sub.h + 2.0 * PAD;
            nodes.push(NodeBox {
                id: format!("{name}⟨branch {bi}⟩"),
                label: if ty == "Map" {
                    "Item processor".into()
                } else {
                    format!("Branch {}", bi + 1)
                },
                kind: "Branch".into(),
                x,
                y: HEADER,
                w: frame_w,
                h: frame_h,
                depth: depth + 1,
            });
            sub.translate(x + PAD, HEADER + PAD);
            nodes.extend(sub.nodes);
            edges.extend(sub.edges);
            x += frame_w + PAD;
            h = h.max(frame_h);
        }
        let w = x.max(leaf_width(name));
        size.push((w, HEADER + h + PAD));
        inner.push(Some(Sub {
            w,
            h: HEADER + h + PAD,
            nodes,
            edges,
        }));
    }

    // 4. Coordinates.
    let top = if markers {
        MARKER + RANK_GAP * 0.6
    } else {
        0.0
    };
    let row_h: Vec<f64> = rows
        .iter()
        .map(|row| row.iter().map(|&i| size[i].1).fold(LEAF_H, f64::max))
        .collect();
    let row_w: Vec<f64> = rows
        .iter()
        .map(|row| {
            row.iter().map(|&i| size[i].0).sum::<f64>()
                + NODE_GAP * row.len().saturating_sub(1) as f64
        })
        .collect();
    let has_loops = back.iter().any(|b| !b.is_empty());
    let content_w = row_w.iter().copied().fold(120.0, f64::max);
    let width = content_w + if has_loops { 40.0 } else { 0.0 };
    let mut pos = vec![(0.0, 0.0); n];
    let mut y = top;
    for (r, row) in rows.iter().enumerate() {
        let mut x = (content_w - row_w[r]) / 2.0;
        for &i in row {
            // Centre shorter boxes vertically in their rank so edges line up.
            pos[i] = (x, y + (row_h[r] - size[i].1) / 2.0);
            x += size[i].0 + NODE_GAP;
        }
        y += row_h[r] + RANK_GAP;
    }
    let mut height = if rank_count == 0 { top } else { y - RANK_GAP };

    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let cx = content_w / 2.0;
    if markers {
        nodes.push(NodeBox {
            id: START_ID.into(),
            label: "Start".into(),
            kind: "Start".into(),
            x: cx - 32.0,
            y: 0.0,
            w: 64.0,
            h: MARKER,
            depth,
        });
        if let Some(s) = start {
            let (x, y) = pos[s];
            edges.push(EdgePath {
                from: START_ID.into(),
                to: names[s].clone(),
                kind: EdgeKind::Marker,
                label: None,
                d: curve(cx, MARKER, x + size[s].0 / 2.0, y),
                label_x: 0.0,
                label_y: 0.0,
            });
        }
    }
    let mut nested_nodes = Vec::new();
    let mut nested_edges = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let st = &states[name.as_str()];
        let (x, y) = pos[i];
        nodes.push(NodeBox {
            id: (*name).clone(),
            label: (*name).clone(),
            kind: st
                .get("Type")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string(),
            x,
            y,
            w: size[i].0,
            h: size[i].1,
            depth,
        });
        if let Some(mut sub) = inner[i].take() {
            sub.translate(x, y);
            nested_nodes.extend(sub.nodes);
            nested_edges.extend(sub.edges);
        }
    }
    let end_y = height + RANK_GAP * 0.6;
    let mut any_terminal = false;
    for (u, ss) in succ.iter().enumerate() {
        let (ux, uy) = pos[u];
        let (uw, uh) = size[u];
        for s in ss {
            let Some(v) = index_of(&s.to) else { continue };
            let (vx, vy) = pos[v];
            let (vw, vh) = size[v];
            let d = if rank[v] > rank[u] {
                curve(ux + uw / 2.0, uy + uh, vx + vw / 2.0, vy)
            } else {
                // Loops and same-rank edges: leave on the right, come back on the right.
                let out_x = content_w + 24.0;
                format!(
                    "M {} {} C {} {}, {} {}, {} {}",
                    fmt(ux + uw),
                    fmt(uy + uh / 2.0),
                    fmt(out_x),
                    fmt(uy + uh / 2.0),
                    fmt(out_x),
                    fmt(vy + vh / 2.0),
                    fmt(vx + vw),
                    fmt(vy + vh / 2.0)
                )
            };
            let (lx, ly) = if rank[v] > rank[u] {
                ((ux + uw / 2.0 + vx + vw / 2.0) / 2.0, (uy + uh + vy) / 2.0)
            } else {
                (content_w + 14.0, (uy + vy + vh) / 2.0)
            };
            edges.push(EdgePath {
                from: (*names[u]).clone(),
                to: (*names[v]).clone(),
                kind: s.kind,
                label: s.label.clone(),
                d,
                label_x: lx,
                label_y: ly,
            });
        }
        if markers && is_terminal(&states[names[u].as_str()]) {
            any_terminal = true;
            edges.push(EdgePath {
                from: (*names[u]).clone(),
                to: END_ID.into(),
                kind: EdgeKind::Marker,
                label: None,
                d: curve(ux + uw / 2.0, uy + uh, cx, end_y),
                label_x: 0.0,
                label_y: 0.0,
            });
        }
    }
    if markers {
        if any_terminal || n == 0 {
            nodes.push(NodeBox {
                id: END_ID.into(),
                label: "End".into(),
                kind: "End".into(),
                x: cx - 32.0,
                y: end_y,
                w: 64.0,
                h: MARKER,
                depth,
            });
        }
        height = end_y + MARKER;
    }
    nodes.extend(nested_nodes);
    edges.extend(nested_edges);
    Sub {
        w: width,
        h: height,
        nodes,
        edges,
    }
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    use super::*;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn node<'a>(l: &'a Layout, id: &str) -> &'a NodeBox {
        l.nodes
            .iter()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("no node {id}"))
    }

    #[test]
    fn chain_is_ranked_top_to_bottom() {
        let l = layout_definition(&json!({"StartAt":"A","States":{
            "A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"C"},"C":{"Type":"Succeed"}}}));
        assert!(node(&l, "A").y < node(&l, "B").y && node(&l, "B").y < node(&l, "C").y);
        assert!(node(&l, START_ID).y < node(&l, "A").y);
        assert!(node(&l, END_ID).y > node(&l, "C").y);
        assert!(l.edges.iter().any(|e| e.from == "C" && e.to == END_ID));
    }

    #[test]
    fn join_sits_below_both_inputs_and_choice_edges_are_labelled() {
        let l = layout_definition(&json!({"StartAt":"C","States":{
            "C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":1,"Next":"A"}],"Default":"J"},
            "A":{"Type":"Pass","Next":"J"},"J":{"Type":"Succeed"}}}));
        assert!(node(&l, "J").y > node(&l, "A").y);
        let labels: Vec<_> = l.edges.iter().filter_map(|e| e.label.clone()).collect();
        assert!(labels.contains(&"$.x == 1".to_string()), "{labels:?}");
        assert!(labels.contains(&"Default".to_string()));
    }

    #[test]
    fn loops_do_not_push_forever_and_catch_edges_are_marked() {
        let l = layout_definition(&json!({"StartAt":"T","States":{
            "T":{"Type":"Task","Resource":"x","Next":"W","Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}]},
            "W":{"Type":"Wait","Seconds":1,"Next":"T"},"F":{"Type":"Fail"}}}));
        assert!(node(&l, "W").y > node(&l, "T").y);
        assert!(l
            .edges
            .iter()
            .any(|e| e.kind == EdgeKind::Catch && e.to == "F"));
        assert!(l.edges.iter().any(|e| e.from == "W" && e.to == "T"));
    }

    #[test]
    fn parallel_and_map_contain_their_states() {
        let l = layout_definition(&json!({"StartAt":"P","States":{
            "P":{"Type":"Parallel","Next":"M","Branches":[
                {"StartAt":"B1","States":{"B1":{"Type":"Pass","End":true}}},
                {"StartAt":"B2","States":{"B2":{"Type":"Pass","End":true}}}]},
            "M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}}));
        let p = node(&l, "P");
        for inner in ["B1", "B2"] {
            let b = node(&l, inner);
            assert!(
                b.x >= p.x && b.x + b.w <= p.x + p.w && b.y >= p.y && b.y + b.h <= p.y + p.h,
                "{inner}"
            );
        }
        let (m, i) = (node(&l, "M"), node(&l, "I"));
        assert!(i.y > m.y && i.y + i.h <= m.y + m.h);
        // Outer boxes are listed before what they contain.
        let pos = |id: &str| l.nodes.iter().position(|n| n.id == id).unwrap();
        assert!(pos("P") < pos("B1") && pos("M") < pos("I"));
    }

    #[test]
    fn malformed_definitions_still_lay_out() {
        for def in [
            json!({}),
            json!({"StartAt":"Nope","States":{"A":{"Type":"Pass","Next":"Gone"}}}),
            json!([1, 2]),
        ] {
            let l = layout_definition(&def);
            assert!(l.width > 0.0 && l.height > 0.0);
        }
        assert!(layout_text("{ not json").is_none());
    }

    #[test]
    fn shifting_a_path_moves_every_point() {
        assert_eq!(
            shift_path("M 1 2 C 3 4, 5 6, 7 8", 10.0, 100.0),
            "M 11 102 C 13 104, 15 106, 17 108"
        );
    }
}
