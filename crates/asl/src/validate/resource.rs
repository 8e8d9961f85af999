//! A Task's `Resource`: AWS refuses one that is not a well-formed resource name with
//! `Value is not a valid resource ARN`.
//!
//! What AWS is known to refuse: a `${...}` left open (`${lambdaArn`), an empty or illegal Lambda
//! alias or version (`function:NAME:`, `function:NAME:$*#`), text that is not a URI at all. What
//! it is known to take: any `arn:partition:service:region:account:resource` (region and account
//! may be empty, as in `arn:aws:states:::lambda:invoke`), other URIs (`foo:bar`), and a
//! placeholder that deployment fills in (`${lambdaArn}`, from `DefinitionSubstitutions`).

use super::{child, Ctx};
use serde_json::{Map, Value};

const INVALID: &str = "Value is not a valid resource ARN";

pub(crate) fn check(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str) {
    let Some(resource) = obj.get("Resource").and_then(Value::as_str) else {
        return;
    };
    if let Err(why) = well_formed(resource) {
        ctx.schema(&child(pointer, "Resource"), format!("{INVALID}: {why}"));
    }
}

/// `Ok` for a resource AWS takes; otherwise what is wrong with it, in a few words.
fn well_formed(resource: &str) -> Result<(), String> {
    if resource.chars().any(char::is_whitespace) {
        return Err(format!("'{resource}' contains blanks"));
    }
    if resource.contains("${") {
        return placeholders(resource);
    }
    if let Some(rest) = resource.strip_prefix("arn:") {
        return arn(rest);
    }
    if is_uri(resource) {
        Ok(())
    } else {
        Err(format!("'{resource}' is neither an ARN nor a URI"))
    }
}

/// Text with `${Name}` placeholders is checked once they are filled in; until then each must
/// at least be closed and name something.
fn placeholders(resource: &str) -> Result<(), String> {
    let mut rest = resource;
    while let Some(open) = rest.find("${") {
        let after = &rest[open + 2..];
        let Some(close) = after.find('}') else {
            return Err(format!(
                "the placeholder '{}' is not closed with '}}'",
                &rest[open..]
            ));
        };
        if after[..close].trim().is_empty() {
            return Err("a placeholder '${}' names nothing".to_owned());
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// `partition:service:region:account:resource`, after `arn:`.
fn arn(rest: &str) -> Result<(), String> {
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, _region, _account, resource] = parts[..] else {
        return Err("an ARN has the form arn:partition:service:region:account:resource".to_owned());
    };
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return Err("an ARN needs a partition, a service and a resource".to_owned());
    }
    if service == "lambda" {
        if let Some(function) = resource.strip_prefix("function:") {
            return lambda_function(function);
        }
    }
    Ok(())
}

/// `NAME` or `NAME:QUALIFIER`, where the qualifier is `$LATEST`, a version or an alias.
fn lambda_function(function: &str) -> Result<(), String> {
    // Names are not checked character by character: recorded definitions carry placeholders such
    // as `<lambda_function_name>` where the real name was.
    let (name, qualifier) = match function.split_once(':') {
        Some((n, q)) => (n, Some(q)),
        None => (function, None),
    };
    if name.is_empty() {
        return Err("the Lambda function has no name".to_owned());
    }
    match qualifier {
        None | Some("$LATEST") => Ok(()),
        Some(q)
            if !q.is_empty()
                && q.len() <= 128
                && q.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Ok(())
        }
        Some(q) => Err(format!(
            "'{q}' is not a Lambda version or alias ($LATEST, a number, or letters, digits, '-' and '_')"
        )),
    }
}

/// RFC 3986's `scheme ":" rest`, with something after the colon.
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    #[test]
    fn resources_aws_takes_and_refuses() {
        for ok in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
            "arn:aws:lambda:us-east-1:123456789012:function:f:prod-2_b",
            "arn:aws:lambda:us-east-1:123456789012:function:f:7",
            "arn:aws:lambda:us-east-1:123456789012:function:<lambda_function_name>",
            "arn:aws:lambda:::function:f",
            "arn:aws:states:us-east-1:123456789012:activity:a",
            "arn:aws-cn:states:::sqs:sendMessage",
            "foo:bar",
            "${lambdaArn}",
            "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}",
        ] {
            assert_eq!(well_formed(ok), Ok(()), "{ok}");
        }
        for bad in [
            "${lambdaArn",
            "arn:aws:lambda:${Region:1:function:f",
            "${}",
            "arn:aws:lambda:us-east-1:123456789012:function:f:",
            "arn:aws:lambda:us-east-1:123456789012:function:f:$*#$7485",
            "arn:aws:lambda:us-east-1:123456789012:function:",
            "arn:aws:lambda:us-east-1:123456789012:function:f:a:b",
            "arn:aws:states",
            "arn::states:::lambda:invoke",
            "arn:aws:states:::",
            "r",
            "",
            "1abc:x",
            "foo:",
            "foo: bar",
            "arn:aws:states:::lambda:invoke ",
            "arn:aws:lambda:us-east-1:123456789012:function:my function",
        ] {
            assert!(well_formed(bad).is_err(), "{bad}");
        }
    }
}
