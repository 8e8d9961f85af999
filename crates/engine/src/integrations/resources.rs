//! Task resources: what a `Resource` ARN asks for and how AWS names it in history events.

use crate::history::Details;
use std::sync::Arc;

use stepwise_asl::arn::Integration;
/// The integration pattern of a service integration (read by [`stepwise_asl::arn::Integration`]).
pub use stepwise_asl::arn::Pattern;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    /// `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`: a child execution.
    StartExecution(Pattern),
    /// A Lambda function given by its ARN (the legacy form with `LambdaFunction*` events).
    LambdaFunction(String),
    /// Any other optimized or SDK integration, answered by mocks or by hand.
    Service {
        resource_type: String,
        resource: String,
        pattern: Pattern,
    },
    /// An activity ARN or anything else: answered by mocks or by hand.
    Other(String),
}

impl Resource {
    pub fn parse(arn: &str) -> Resource {
        if let Some(integration) = Integration::parse(arn).filter(|i| i.partition == "aws") {
            let pattern = integration.pattern;
            if integration.name == "states:startExecution" {
                return Resource::StartExecution(pattern);
            }
            // `aws-sdk:s3:getObject` → type `aws-sdk:s3`, resource `getObject`.
            let (resource_type, action) = integration.resource_type_and_action();
            return Resource::Service {
                resource_type: resource_type.to_owned(),
                resource: format!("{action}{}", pattern.suffix()),
                pattern,
            };
        }
        if arn.starts_with("arn:aws:lambda:") && arn.contains(":function:") {
            return Resource::LambdaFunction(arn.to_owned());
        }
        Resource::Other(arn.to_owned())
    }

    pub fn pattern(&self) -> Pattern {
        match self {
            Resource::StartExecution(p) | Resource::Service { pattern: p, .. } => *p,
            _ => Pattern::RequestResponse,
        }
    }

    /// `resourceType` and `resource` of Task* history events.
    pub fn event_names(&self) -> (Arc<str>, Arc<str>) {
        match self {
            Resource::StartExecution(p) => (
                "states".into(),
                format!("startExecution{}", p.suffix()).into(),
            ),
            Resource::Service {
                resource_type,
                resource,
                ..
            } => (resource_type.as_str().into(), resource.as_str().into()),
            Resource::LambdaFunction(a) | Resource::Other(a) => {
                let kind = if a.contains(":activity:") {
                    "activity"
                } else {
                    "lambda"
                };
                (kind.into(), a.as_str().into())
            }
        }
    }
}

/// A Task's resource, read once per attempt, with the names its history events carry.
#[derive(Debug)]
pub struct TaskResource {
    pub kind: Resource,
    pub resource_type: Arc<str>,
    pub resource: Arc<str>,
}

impl TaskResource {
    pub fn parse(arn: &str) -> Arc<TaskResource> {
        let kind = Resource::parse(arn);
        let (resource_type, resource) = kind.event_names();
        Arc::new(TaskResource {
            kind,
            resource_type,
            resource,
        })
    }

    /// Adds the `resource` and `resourceType` fields every Task* event ends with.
    pub fn named(&self, details: Details) -> Details {
        details
            .text("resource", self.resource.clone())
            .text("resourceType", self.resource_type.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resources_like_aws_names_them() {
        let cases = [
            (
                "arn:aws:states:::states:startExecution.sync:2",
                ("states", "startExecution.sync:2"),
            ),
            (
                "arn:aws:states:::states:startExecution",
                ("states", "startExecution"),
            ),
            (
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                ("sqs", "sendMessage.waitForTaskToken"),
            ),
            (
                "arn:aws:states:::aws-sdk:s3:getObject",
                ("aws-sdk:s3", "getObject"),
            ),
            ("arn:aws:states:::lambda:invoke", ("lambda", "invoke")),
        ];
        for (arn, (t, r)) in cases {
            assert_eq!(
                Resource::parse(arn).event_names(),
                (t.into(), r.into()),
                "{arn}"
            );
        }
        assert_eq!(
            Resource::parse("arn:aws:states:::states:startExecution.waitForTaskToken").pattern(),
            Pattern::WaitForTaskToken
        );
        assert!(matches!(
            Resource::parse("arn:aws:lambda:us-east-1:1:function:f"),
            Resource::LambdaFunction(_)
        ));
    }
}
