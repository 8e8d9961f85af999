//! CloudFormation's intrinsic functions, evaluated as far as a template alone allows.
//!
//! What only a deployment knows (a function's ARN, an imported value, a condition) becomes a
//! `${Name}` placeholder, spelled the way `Fn::Sub` would write it: `!GetAtt F.Arn` is `${F.Arn}`,
//! `!Ref Table` is `${Table}`. Placeholders are filled later by `DefinitionSubstitutions` or the
//! user's `--substitute Name=VALUE`, or reported where they remain.

use crate::yaml::{Node, Value};
use crate::ReadError;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// What names mean while a template is read.
pub(crate) struct Scope<'a> {
    /// The user's values (`--substitute`): they win over everything the template says.
    pub user: &'a BTreeMap<String, String>,
    /// `AWS::Region`, `AWS::AccountId`, `AWS::Partition`, `AWS::URLSuffix`: the engine's account.
    pub pseudo: BTreeMap<String, String>,
    /// The whole template: parameter defaults, mappings, state machine resources.
    pub template: Option<&'a Node>,
    /// Logical id → the ARN the machine gets in the engine's account.
    pub machine_arns: BTreeMap<String, String>,
    /// Logical id → the machine's name.
    pub machine_names: BTreeMap<String, String>,
    pub file: &'a str,
}

pub(crate) fn placeholder(name: &str) -> String {
    format!("${{{name}}}")
}

impl Scope<'_> {
    /// The value `Ref name` or `${name}` has when the template alone says it.
    pub fn lookup(&self, name: &str) -> Option<String> {
        if let Some(v) = self.user.get(name).or_else(|| self.pseudo.get(name)) {
            return Some(v.clone());
        }
        let (id, attribute) = match name.split_once('.') {
            Some((id, attr)) => (id, Some(attr)),
            None => (name, None),
        };
        // A state machine of the same template: its ARN is the one the engine gives it.
        if let Some(arn) = self.machine_arns.get(id) {
            return match attribute {
                None | Some("Arn") => Some(arn.clone()),
                Some("Name") => self.machine_names.get(id).cloned(),
                _ => None,
            };
        }
        let default = self
            .template?
            .get("Parameters")?
            .get(name)?
            .get("Default")?;
        scalar_text(default)
    }

    fn error(&self, node: &Node, message: impl Into<String>) -> ReadError {
        ReadError {
            file: self.file.to_owned(),
            message: message.into(),
            pos: Some(node.pos),
        }
    }

    /// A node as JSON, intrinsic functions evaluated.
    pub fn eval(&self, node: &Node) -> Result<Json, ReadError> {
        if let Some((name, arg)) = node.intrinsic() {
            return self.intrinsic(node, name, arg);
        }
        Ok(match &node.value {
            Value::Seq(items) => Json::Array(
                items
                    .iter()
                    .map(|n| self.eval(n))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Map(members) => Json::Object(
                members
                    .iter()
                    .map(|(k, n)| Ok((k.clone(), self.eval(n)?)))
                    .collect::<Result<_, ReadError>>()?,
            ),
            _ => node.to_json(),
        })
    }

    /// A node that must give text (`DefinitionString`, a `Fn::Sub` variable, a `Fn::Join` part).
    pub fn eval_string(&self, node: &Node) -> Result<String, ReadError> {
        match self.eval(node)? {
            Json::String(s) => Ok(s),
            Json::Number(n) => Ok(n.to_string()),
            Json::Bool(b) => Ok(b.to_string()),
            _ => Err(self.error(node, "expected text here")),
        }
    }

    fn intrinsic(&self, node: &Node, name: &str, arg: &Node) -> Result<Json, ReadError> {
        let text = |s: String| Ok(Json::String(s));
        match name {
            "Ref" => {
                let target = arg
                    .as_str()
                    .ok_or_else(|| self.error(arg, "Ref takes a name"))?;
                text(self.lookup(target).unwrap_or_else(|| placeholder(target)))
            }
            "Fn::GetAtt" => {
                let dotted = match &arg.value {
                    Value::String(s) => s.clone(),
                    Value::Seq(parts) if parts.len() == 2 => {
                        format!(
                            "{}.{}",
                            self.eval_string(&parts[0])?,
                            self.eval_string(&parts[1])?
                        )
                    }
                    _ => {
                        return Err(self.error(
                            arg,
                            "Fn::GetAtt takes 'Resource.Attribute' or [Resource, Attribute]",
                        ))
                    }
                };
                text(self.lookup(&dotted).unwrap_or_else(|| placeholder(&dotted)))
            }
            "Fn::Sub" => {
                let (template, vars) = match &arg.value {
                    Value::String(s) => (s.as_str(), &[][..]),
                    Value::Seq(parts) if parts.len() == 2 => {
                        let t = parts[0].as_str().ok_or_else(|| {
                            self.error(&parts[0], "Fn::Sub's first item is the text")
                        })?;
                        (t, parts[1].members())
                    }
                    _ => return Err(self.error(arg, "Fn::Sub takes a text or [text, {variables}]")),
                };
                let mut values = BTreeMap::new();
                for (k, v) in vars {
                    values.insert(k.as_str(), self.eval_string(v)?);
                }
                text(self.sub(template, &values))
            }
            "Fn::Join" => {
                let Value::Seq(parts) = &arg.value else {
                    return Err(self.error(arg, "Fn::Join takes [delimiter, [values]]"));
                };
                let [delimiter, list] = &parts[..] else {
                    return Err(self.error(arg, "Fn::Join takes [delimiter, [values]]"));
                };
                let delimiter = self.eval_string(delimiter)?;
                let items = self.list(list)?;
                text(items.join(&delimiter))
            }
            "Fn::Split" => {
                let Value::Seq(parts) = &arg.value else {
                    return Err(self.error(arg, "Fn::Split takes [delimiter, text]"));
                };
                let [delimiter, source] = &parts[..] else {
                    return Err(self.error(arg, "Fn::Split takes [delimiter, text]"));
                };
                let (d, s) = (self.eval_string(delimiter)?, self.eval_string(source)?);
                if d.is_empty() {
                    return Err(self.error(delimiter, "Fn::Split needs a delimiter"));
                }
                Ok(s.split(d.as_str())
                    .map(|p| Json::String(p.to_owned()))
                    .collect())
            }
            "Fn::Select" => {
                let Value::Seq(parts) = &arg.value else {
                    return Err(self.error(arg, "Fn::Select takes [index, [values]]"));
                };
                let [index, list] = &parts[..] else {
                    return Err(self.error(arg, "Fn::Select takes [index, [values]]"));
                };
                let i: usize = self
                    .eval_string(index)?
                    .parse()
                    .map_err(|_| self.error(index, "Fn::Select's index is a number"))?;
                let items = self.list(list)?;
                items
                    .into_iter()
                    .nth(i)
                    .map(Json::String)
                    .ok_or_else(|| self.error(index, "Fn::Select's index is past the list"))
            }
            "Fn::ToJsonString" => text(serde_json::to_string(&self.eval(arg)?).unwrap_or_default()),
            "Fn::FindInMap" => {
                let found = (|| {
                    let Value::Seq(keys) = &arg.value else {
                        return None;
                    };
                    let mut at = self.template?.get("Mappings")?;
                    for k in keys {
                        at = at.get(&self.eval_string(k).ok()?)?;
                    }
                    self.eval(at).ok()
                })();
                Ok(found.unwrap_or_else(|| Json::String(placeholder(name))))
            }
            // Conditions, imports and the rest need a deployment: the value stays unknown.
            _ => {
                let _ = node;
                text(placeholder(name))
            }
        }
    }

    /// A literal list or one an intrinsic computes (`Fn::Split`), as text items.
    fn list(&self, node: &Node) -> Result<Vec<String>, ReadError> {
        match &node.value {
            Value::Seq(items) if node.intrinsic().is_none() => {
                items.iter().map(|n| self.eval_string(n)).collect()
            }
            _ => match self.eval(node)? {
                Json::Array(items) => Ok(items
                    .into_iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect()),
                Json::String(s) => Ok(vec![s]),
                _ => Err(self.error(node, "expected a list")),
            },
        }
    }

    /// `Fn::Sub`: `${Var}` from the variables, else what the template says, else left as it is;
    /// `${!Literal}` is written `${Literal}`.
    fn sub(&self, template: &str, vars: &BTreeMap<&str, String>) -> String {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(v) = self.user.get(name.trim()).or_else(|| vars.get(name.trim())) {
                out.push_str(v);
            } else {
                out.push_str(
                    &self
                        .lookup(name.trim())
                        .unwrap_or_else(|| placeholder(name)),
                );
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Step Functions' `DefinitionSubstitutions`: every `${Key}` with a known value is replaced, in
/// text as written (the service works on the definition's text).
pub(crate) fn substitute(text: &str, values: &BTreeMap<String, String>) -> String {
    if values.is_empty() || !text.contains("${") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after
            .find('}')
            .and_then(|end| values.get(&after[..end]).map(|v| (end, v)))
        {
            Some((end, v)) => {
                out.push_str(v);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every string of a JSON value (keys included) with [`substitute`] applied.
pub(crate) fn substitute_json(value: &mut Json, values: &BTreeMap<String, String>) {
    match value {
        Json::String(s) if s.contains("${") => *s = substitute(s, values),
        Json::Array(items) => items.iter_mut().for_each(|v| substitute_json(v, values)),
        Json::Object(members) => {
            if members.keys().any(|k| k.contains("${")) {
                *members = std::mem::take(members)
                    .into_iter()
                    .map(|(k, v)| (substitute(&k, values), v))
                    .collect();
            }
            members
                .values_mut()
                .for_each(|v| substitute_json(v, values));
        }
        _ => {}
    }
}

/// The `${...}` placeholders left in a text, in order.
pub(crate) fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                found.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    fn scope<'a>(user: &'a BTreeMap<String, String>, template: Option<&'a Node>) -> Scope<'a> {
        Scope {
            user,
            pseudo: [
                ("AWS::Region", "us-east-1"),
                ("AWS::AccountId", "123456789012"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into(),
            template,
            machine_arns: [(
                "Child".to_owned(),
                "arn:aws:states:us-east-1:123456789012:stateMachine:Child".to_owned(),
            )]
            .into(),
            machine_names: [("Child".to_owned(), "Child".to_owned())].into(),
            file: "t.yaml",
        }
    }

    #[test]
    fn sub_fills_what_the_template_knows_and_keeps_the_rest() {
        let template =
            parse("Parameters:\n  Stage:\n    Type: String\n    Default: dev\n").unwrap();
        let user = BTreeMap::new();
        let s = scope(&user, Some(&template));
        let node = parse(
            "!Sub ['${Stage}-${AWS::Region}-${Fn}-${!Keep}-${Child}-${X}', {X: !GetAtt F.Arn}]",
        )
        .unwrap();
        assert_eq!(
            s.eval(&node).unwrap(),
            Json::String("dev-us-east-1-${Fn}-${Keep}-arn:aws:states:us-east-1:123456789012:stateMachine:Child-${F.Arn}".into())
        );
        let user: BTreeMap<String, String> = [
            ("F.Arn".to_owned(), "arn:f".to_owned()),
            ("Fn".to_owned(), "fn".to_owned()),
        ]
        .into();
        let s = scope(&user, Some(&template));
        assert_eq!(s.eval(&node).unwrap(), Json::String("dev-us-east-1-fn-${Keep}-arn:aws:states:us-east-1:123456789012:stateMachine:Child-arn:f".into()));
    }

    #[test]
    fn join_select_split_and_to_json_string() {
        let user = BTreeMap::new();
        let s = scope(&user, None);
        let node = parse("[!Join ['-', [a, !Ref AWS::Region, 3]], !Select [1, !Split [',', 'x,y,z']], !ToJsonString {a: [1]}, !If [C, a, b]]").unwrap();
        assert_eq!(
            s.eval(&node).unwrap(),
            serde_json::json!(["a-us-east-1-3", "y", "{\"a\":[1]}", "${Fn::If}"])
        );
        assert!(s.eval(&parse("!Join x").unwrap()).is_err());
    }

    #[test]
    fn definition_substitutions_replace_known_keys_only() {
        let values: BTreeMap<String, String> = [("A".to_owned(), "1".to_owned())].into();
        assert_eq!(substitute("${A}${B}${A", &values), "1${B}${A");
        assert_eq!(placeholders("x ${A} ${B.Arn} ${"), vec!["A", "B.Arn"]);
    }
}
