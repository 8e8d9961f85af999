//! YAML text (JSON included: it is a subset) to a tree of [`Node`]s that remember where they were
//! written, with CloudFormation's short-form tags (`!Sub x`) turned into their long form
//! (`{"Fn::Sub": x}`) so the rest of the crate sees one shape.
//!
//! Built on granit-parser's event stream rather than a serde deserializer because every node
//! needs its line and column and its tag, and because aliases must be expanded under a counted
//! budget: `&a [*b, *b, ...]` chains (the "billion laughs") would otherwise copy without end.

use granit_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::Number;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// A place in the text: 1-based line and column (columns in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// Nodes a document may hold, aliases expanded (each costs memory once expanded).
pub const MAX_NODES: usize = 1_000_000;
/// Nodes that aliases may copy in all: real templates alias a few small values; a YAML bomb
/// reaches this in a handful of steps and is refused before it costs memory.
pub const MAX_ALIAS_NODES: usize = 100_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// A literal block scalar (`|`): where its first content line is and how far it is indented, so
/// a line of the text it holds can be traced back to the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub first_line: u32,
    pub indent: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// Set on literal block scalars only.
    pub block: Option<Block>,
    /// A quoted scalar: its text starts one column after `pos`.
    pub quoted: bool,
    /// This node and everything under it (what copying it through an alias costs).
    size: usize,
}

impl Node {
    fn new(value: Value, pos: Pos) -> Self {
        let size = 1 + match &value {
            Value::Seq(items) => items.iter().map(|n| n.size).sum(),
            Value::Map(members) => members.iter().map(|(_, n)| n.size).sum(),
            _ => 0,
        };
        Node {
            value,
            pos,
            block: None,
            quoted: false,
            size,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(members) => members.iter().find(|(k, _)| k == key).map(|(_, n)| n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(members) => members,
            _ => &[],
        }
    }

    /// The CloudFormation intrinsic this node is (`Ref`, `Fn::Sub`, `Condition`...) and its
    /// argument: a mapping with that one key, as CloudFormation reads it.
    pub fn intrinsic(&self) -> Option<(&str, &Node)> {
        match self.members() {
            [(k, arg)] if k == "Ref" || k == "Condition" || k.starts_with("Fn::") => Some((k, arg)),
            _ => None,
        }
    }

    /// The node a JSON pointer (`/States/A/Next`) leads to, or the deepest node on the way when
    /// the pointer goes into something computed (an intrinsic function's result).
    pub fn lookup(&self, pointer: &str) -> &Node {
        let mut node = self;
        for segment in pointer.split('/').skip(1).filter(|s| !s.is_empty()) {
            if node.intrinsic().is_some() {
                break;
            }
            let key = segment.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                Value::Map(members) => members.iter().find(|(k, _)| *k == key).map(|(_, n)| n),
                Value::Seq(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// Plain JSON, for a node without intrinsics (a definition file in YAML).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(members) => members
                .iter()
                .map(|(k, n)| (k.clone(), n.to_json()))
                .collect(),
        }
    }
}

/// Text that is not YAML, or YAML this crate refuses (a bomb, a tag it does not know).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub pos: Option<Pos>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "line {}, column {}: {}", p.line, p.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

fn error(pos: Pos, message: impl Into<String>) -> Error {
    Error {
        message: message.into(),
        pos: Some(pos),
    }
}

/// CloudFormation's short forms: `!Ref` is `Ref`, `!Condition` is `Condition`, the others `Fn::X`.
/// The list is CloudFormation's (intrinsic function reference), `!Length`, `!ToJsonString` and
/// `!ForEach` from the language extensions included.
const SHORT_FORMS: &[&str] = &[
    "Ref",
    "Condition",
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "ForEach",
    "GetAtt",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
];

fn long_form(tag: &Tag) -> Option<String> {
    if tag.handle() != "!" {
        return None;
    }
    let name = SHORT_FORMS.iter().find(|n| **n == tag.suffix())?;
    Some(match *name {
        "Ref" | "Condition" => (*name).to_owned(),
        other => format!("Fn::{other}"),
    })
}

/// What a tag asks of a node.
enum TagMeaning {
    /// No tag, or one that changes nothing (`!`, `!!map` on a mapping...).
    None,
    /// A core-schema type for a scalar: `!!str`, `!!int`...
    Core(String),
    /// A CloudFormation short form, by its long name.
    Intrinsic(String),
}

fn tag_meaning(tag: Option<&Tag>, pos: Pos) -> Result<TagMeaning, Error> {
    let Some(tag) = tag else {
        return Ok(TagMeaning::None);
    };
    if let Some(core) = tag.core_suffix() {
        return Ok(TagMeaning::Core(core.to_owned()));
    }
    if let Some(long) = long_form(tag) {
        return Ok(TagMeaning::Intrinsic(long));
    }
    if tag.handle() == "!" && tag.suffix().is_empty() {
        return Ok(TagMeaning::None);
    }
    Err(error(
        pos,
        format!("unknown tag {}{}: CloudFormation's short forms are !Ref, !Sub, !GetAtt, !Join and the other intrinsic functions", tag.original_handle(), tag.suffix()),
    ))
}

/// A plain (unquoted) scalar as YAML 1.2's core schema reads it.
fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    number(text)
        .map(Value::Number)
        .unwrap_or_else(|| Value::String(text.to_owned()))
}

fn number(text: &str) -> Option<Number> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let negative = text.starts_with('-');
    let radix = |digits: &str, radix: u32| {
        let n = i64::from_str_radix(digits, radix).ok()?;
        Some(Number::from(if negative { -n } else { n }))
    };
    if let Some(hex) = text.strip_prefix("0x") {
        return radix(hex, 16);
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return radix(oct, 8);
    }
    let decimal = unsigned
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && unsigned
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && unsigned.bytes().any(|b| b.is_ascii_digit());
    if !decimal {
        return None;
    }
    if unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // Integers keep their exact value when they fit, as JSON parsers do.
        if let Ok(n) = text.trim_start_matches('+').parse::<i64>() {
            return Some(n.into());
        }
        if let Ok(n) = unsigned.parse::<u64>() {
            if !negative {
                return Some(n.into());
            }
        }
    }
    let f: f64 = text.trim_start_matches('+').parse().ok()?;
    Number::from_f64(f)
}

fn core_scalar(core: &str, text: &str, pos: Pos) -> Result<Value, Error> {
    let value = match core {
        "str" => return Ok(Value::String(text.to_owned())),
        _ => plain_scalar(text),
    };
    let fits = match (core, &value) {
        ("null", Value::Null) | ("bool", Value::Bool(_)) => true,
        ("int", Value::Number(n)) => n.is_i64() || n.is_u64(),
        ("float", Value::Number(_)) => true,
        _ => false,
    };
    if fits {
        Ok(value)
    } else {
        Err(error(pos, format!("'{text}' is not a valid !!{core}")))
    }
}

/// A container being read.
struct Open {
    pos: Pos,
    anchor: usize,
    intrinsic: Option<String>,
    kind: OpenKind,
}

enum OpenKind {
    Seq(Vec<Node>),
    /// Members so far, the key read when its value is still to come, and the keys seen (a
    /// mapping of thousands of states is checked for duplicates without quadratic work).
    Map(Vec<(String, Node)>, Option<(String, Pos)>, HashSet<String>),
}

struct Builder {
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    alias_nodes: usize,
    root: Option<Node>,
}

impl Builder {
    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Open {
                kind: OpenKind::Map(_, None, _),
                ..
            })
        )
    }

    fn count(&mut self, n: usize, pos: Pos) -> Result<(), Error> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(error(
                pos,
                format!("the document has more than {MAX_NODES} values"),
            ));
        }
        Ok(())
    }

    /// A finished node goes to its parent (or becomes the document).
    fn finish(
        &mut self,
        mut node: Node,
        anchor: usize,
        intrinsic: Option<String>,
    ) -> Result<(), Error> {
        if let Some(name) = intrinsic {
            let pos = node.pos;
            node = Node::new(Value::Map(vec![(name, node)]), pos);
        }
        if anchor != 0 {
            // The anchored copy costs memory like any node: anchors nested in anchors would
            // otherwise copy a large subtree once per level.
            self.count(node.size, node.pos)?;
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open {
                kind: OpenKind::Seq(items),
                ..
            }) => items.push(node),
            Some(Open {
                kind: OpenKind::Map(members, key, _),
                ..
            }) => {
                let (k, _) = key.take().expect("a value follows its key");
                members.push((k, node));
            }
        }
        Ok(())
    }

    fn key(&mut self, key: String, pos: Pos) -> Result<(), Error> {
        let Some(Open {
            kind: OpenKind::Map(_, pending, seen),
            ..
        }) = self.stack.last_mut()
        else {
            unreachable!("keys are read only inside mappings")
        };
        if !seen.insert(key.clone()) {
            return Err(error(pos, format!("duplicate key '{key}'")));
        }
        *pending = Some((key, pos));
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, pos: Pos) -> Result<(), Error> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let meaning = tag_meaning(tag.as_deref(), pos)?;
                if self.expecting_key() {
                    if !matches!(meaning, TagMeaning::None | TagMeaning::Core(_)) || anchor != 0 {
                        return Err(error(pos, "a mapping key must be plain text"));
                    }
                    self.count(1, pos)?;
                    return self.key(text.into_owned(), pos);
                }
                let (value, intrinsic) = match meaning {
                    TagMeaning::Core(core) => (core_scalar(&core, &text, pos)?, None),
                    TagMeaning::Intrinsic(name) => (Value::String(text.into_owned()), Some(name)),
                    TagMeaning::None if style == ScalarStyle::Plain => (plain_scalar(&text), None),
                    TagMeaning::None => (Value::String(text.into_owned()), None),
                };
                self.count(1 + usize::from(intrinsic.is_some()), pos)?;
                // The parser places a literal block at its first non-blank line, indented.
                let block = (style == ScalarStyle::Literal).then(|| {
                    let blank = match &value {
                        Value::String(s) => s.bytes().take_while(|b| *b == b'\n').count() as u32,
                        _ => 0,
                    };
                    Block {
                        first_line: pos.line.saturating_sub(blank),
                        indent: pos.column - 1,
                    }
                });
                let mut node = Node::new(value, pos);
                node.block = block;
                node.quoted =
                    matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
                self.finish(node, anchor, intrinsic)
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if self.expecting_key() {
                    return Err(error(
                        pos,
                        "a mapping key must be plain text, not a list or a mapping",
                    ));
                }
                let intrinsic = match tag_meaning(tag.as_deref(), pos)? {
                    TagMeaning::Intrinsic(name) => Some(name),
                    _ => None,
                };
                self.count(1 + usize::from(intrinsic.is_some()), pos)?;
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    OpenKind::Seq(Vec::new())
                } else {
                    OpenKind::Map(Vec::new(), None, HashSet::new())
                };
                self.stack.push(Open {
                    pos,
                    anchor,
                    intrinsic,
                    kind,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let open = self
                    .stack
                    .pop()
                    .expect("the parser balances starts and ends");
                let value = match open.kind {
                    OpenKind::Seq(items) => Value::Seq(items),
                    OpenKind::Map(members, ..) => Value::Map(members),
                };
                self.finish(Node::new(value, open.pos), open.anchor, open.intrinsic)
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(error(pos, "alias to an unknown anchor"));
                };
                if self.expecting_key() {
                    let key = target
                        .as_str()
                        .ok_or_else(|| error(pos, "a mapping key must be plain text"))?
                        .to_owned();
                    return self.key(key, pos);
                }
                self.alias_nodes += target.size;
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(error(
                        pos,
                        format!("aliases expand to more than {MAX_ALIAS_NODES} values (a YAML bomb?): refused"),
                    ));
                }
                let size = target.size;
                let copy = target.clone();
                self.count(size, pos)?;
                self.finish(copy, 0, None)
            }
            _ => Ok(()),
        }
    }
}

/// Reads one YAML (or JSON) document. An empty text is a null document.
pub fn parse(text: &str) -> Result<Node, Error> {
    let mut builder = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        alias_nodes: 0,
        root: None,
    };
    let mut documents = 0;
    for next in Parser::new_from_str(text) {
        let (event, span) = next.map_err(|e| {
            let m = e.marker();
            error(
                Pos {
                    line: m.line() as u32,
                    column: m.col() as u32 + 1,
                },
                e.info().to_owned(),
            )
        })?;
        let pos = Pos {
            line: span.start.line() as u32,
            column: span.start.col() as u32 + 1,
        };
        if let Event::DocumentStart(..) = event {
            documents += 1;
            if documents > 1 {
                return Err(error(
                    pos,
                    "more than one YAML document: a template or a definition is one document",
                ));
            }
        }
        builder.event(event, pos)?;
    }
    Ok(builder
        .root
        .unwrap_or_else(|| Node::new(Value::Null, Pos { line: 1, column: 1 })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_yaml_as_json_with_positions() {
        let doc = parse("StartAt: A\nStates:\n  A:\n    Type: Wait\n    Seconds: 10\n    End: true\n    Comment: ~\n").unwrap();
        assert_eq!(
            doc.to_json(),
            json!({"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 10, "End": true, "Comment": null}}})
        );
        assert_eq!(
            doc.lookup("/States/A/Seconds").pos,
            Pos {
                line: 5,
                column: 14
            }
        );
        assert_eq!(doc.lookup("/States/A/Nope").pos, Pos { line: 4, column: 5 });
    }

    #[test]
    fn json_is_yaml() {
        let doc =
            parse("{\n  \"a\": [1, 2.5, \"x\", true, null],\n\t\"b\": {\"c/d\": -3}\n}").unwrap();
        assert_eq!(
            doc.to_json(),
            json!({"a": [1, 2.5, "x", true, null], "b": {"c/d": -3}})
        );
        assert_eq!(doc.lookup("/b/c~1d").pos.line, 3);
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let doc =
            parse("[0x1F, 0o17, -12, 1e3, .5, '7', yes, 12345678901234567890, !!str 3, 1.2.3]")
                .unwrap();
        assert_eq!(
            doc.to_json(),
            json!([
                31,
                15,
                -12,
                1000.0,
                0.5,
                "7",
                "yes",
                12345678901234567890u64,
                "3",
                "1.2.3"
            ])
        );
        assert!(parse("!!int abc").unwrap_err().message.contains("!!int"));
    }

    #[test]
    fn short_forms_become_long_forms() {
        let doc =
            parse("a: !Sub 'x-${Y}'\nb: !GetAtt F.Arn\nc: !Join ['', [!Ref R, z]]\n").unwrap();
        assert_eq!(
            doc.to_json(),
            json!({"a": {"Fn::Sub": "x-${Y}"}, "b": {"Fn::GetAtt": "F.Arn"}, "c": {"Fn::Join": ["", [{"Ref": "R"}, "z"]]}})
        );
        assert_eq!(doc.get("a").unwrap().intrinsic().unwrap().0, "Fn::Sub");
        let e = parse("a: !Bogus x").unwrap_err();
        assert!(e.message.contains("unknown tag !Bogus"), "{e}");
    }

    #[test]
    fn literal_blocks_know_where_their_text_starts() {
        let doc = parse("S: |\n    {\n      \"a\": 1\n    }\n").unwrap();
        assert_eq!(
            doc.get("S").unwrap().block,
            Some(Block {
                first_line: 2,
                indent: 4
            })
        );
        let doc = parse("S: !Sub |\n\n\n  {}\n").unwrap();
        assert_eq!(
            doc.get("S").unwrap().get("Fn::Sub").unwrap().block,
            Some(Block {
                first_line: 2,
                indent: 2
            })
        );
    }

    #[test]
    fn aliases_are_copied_within_a_budget() {
        let doc = parse("a: &x {k: [1, 2]}\nb: *x\n").unwrap();
        assert_eq!(
            doc.to_json(),
            json!({"a": {"k": [1, 2]}, "b": {"k": [1, 2]}})
        );
        let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let e = parse(&bomb).unwrap_err();
        assert!(e.message.contains("YAML bomb"), "{e}");
        // Anchors nested in anchors, no alias at all: each level's copy counts.
        let wide = format!("[{}]", vec!["x"; 20_000].join(","));
        let mut nested = wide.clone();
        for i in 0..60 {
            nested = format!("&n{i} [{nested}]");
        }
        let e = parse(&nested).unwrap_err();
        assert!(e.message.contains("more than 1000000 values"), "{e}");
        assert!(parse(&format!("&only {wide}")).is_ok());
    }

    #[test]
    fn bad_text_is_an_error_with_a_place() {
        let e = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.pos.is_some(), "{e}");
        assert!(parse("a: 1\na: 2\n")
            .unwrap_err()
            .message
            .contains("duplicate key 'a'"));
        assert!(parse("? [a]\n: 1\n").is_err());
        assert!(parse("a: 1\n---\nb: 2\n")
            .unwrap_err()
            .message
            .contains("more than one"));
        assert_eq!(parse("").unwrap().value, Value::Null);
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
    }
}
