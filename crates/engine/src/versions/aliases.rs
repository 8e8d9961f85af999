//! Aliases: creating, updating, describing, listing and deleting them, and the checks AWS makes
//! of an alias' name and routing configuration. Which version a start through an alias runs is
//! drawn in `Engine::resolve_start` (`versions/mod.rs`).

use super::{check_description, invalid_arn, Alias, Qualified, Route, MAX_ALIASES_PER_MACHINE};
use crate::api::{names, ApiError};
use crate::clock::iso8601;
use crate::engine::{machine_missing, Engine};
use stepwise_json::{json, Map, Value};

/// AWS's rule for alias names (`CharacterRestrictedName`): 1 to 80 of `A-Z a-z 0-9 _ - .`, at
/// least one of them not a digit (so that an alias never reads as a version number).
pub fn check_alias_name(name: &str) -> Result<(), ApiError> {
    let ok = (1..=80).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
        && name.bytes().any(|b| !b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            names::VALIDATION,
            format!(
                "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: \
                 Member must have length between 1 and 80 and match the pattern \
                 ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"
            ),
        ))
    }
}

pub(super) fn alias_missing(arn: &str) -> ApiError {
    if Qualified::parse(arn).is_none() {
        return invalid_arn(arn);
    }
    ApiError::new(
        names::RESOURCE_NOT_FOUND,
        format!("Resource not found: '{arn}'"),
    )
}

pub(super) fn routing_json(routing: &[Route]) -> Value {
    Value::Array(
        routing
            .iter()
            .map(|r| json!({"stateMachineVersionArn": r.version_arn, "weight": r.weight}))
            .collect(),
    )
}

impl Engine {
    /// The routing configuration checked as AWS checks it; answers the machine it routes to.
    pub(super) fn check_routing(&self, routing: &[Route]) -> Result<String, ApiError> {
        let invalid = |m: &str| {
            ApiError::new(
                names::VALIDATION,
                format!("Invalid routing configuration: {m}"),
            )
        };
        if routing.is_empty() || routing.len() > 2 {
            return Err(invalid(
                "routingConfiguration must name one or two state machine versions",
            ));
        }
        if routing.iter().any(|r| !(0..=100).contains(&r.weight)) {
            return Err(invalid("each weight must be between 0 and 100"));
        }
        if routing.iter().map(|r| r.weight).sum::<i64>() != 100 {
            return Err(invalid("the weights must add up to 100"));
        }
        let mut machine: Option<&str> = None;
        for r in routing {
            let q = match Qualified::parse(&r.version_arn) {
                Some(q @ Qualified::Version { .. }) => q,
                Some(Qualified::Alias { .. }) => {
                    return Err(invalid(&format!(
                        "'{}' is an alias; an alias can only point to versions",
                        r.version_arn
                    )))
                }
                None => return Err(invalid_arn(&r.version_arn)),
            };
            if machine.is_some_and(|m| m != q.machine()) {
                return Err(invalid(
                    "both versions must belong to the same state machine",
                ));
            }
            machine = Some(q.machine());
            if self.registry.version(&q).is_none() {
                return Err(ApiError::new(
                    names::RESOURCE_NOT_FOUND,
                    format!("Resource not found: '{}'", r.version_arn),
                ));
            }
        }
        if routing.len() == 2 && routing[0].version_arn == routing[1].version_arn {
            return Err(invalid("the two entries must name different versions"));
        }
        Ok(machine.unwrap_or_default().to_owned())
    }

    /// CreateStateMachineAlias: idempotent for the same description and routing; another alias
    /// of the same name is a `ConflictException`. Answers `{stateMachineAliasArn, creationDate}`.
    pub fn create_state_machine_alias(
        &mut self,
        name: &str,
        description: Option<&str>,
        routing: &[Route],
    ) -> Result<Value, ApiError> {
        check_alias_name(name)?;
        check_description("description", description)?;
        let machine_arn = self.check_routing(routing)?;
        let arn = format!("{machine_arn}:{name}");
        if let Some(a) = self.registry.aliases.get(&arn) {
            if a.description.as_deref() == description && a.routing == routing {
                return Ok(
                    json!({"stateMachineAliasArn": arn, "creationDate": iso8601(a.creation_millis)}),
                );
            }
            return Err(ApiError::new(
                names::CONFLICT,
                format!("Alias already exists with a different configuration: '{arn}'"),
            ));
        }
        let count = self
            .registry
            .aliases
            .values()
            .filter(|a| a.machine_arn == machine_arn)
            .count();
        if count >= MAX_ALIASES_PER_MACHINE {
            return Err(ApiError::new(
                names::SERVICE_QUOTA_EXCEEDED,
                format!(
                    "The maximum of {MAX_ALIASES_PER_MACHINE} aliases of '{machine_arn}' has been \
                     reached; delete unused aliases with DeleteStateMachineAlias"
                ),
            ));
        }
        self.registry.alias_order += 1;
        let alias = Alias {
            name: name.to_owned(),
            arn: arn.clone(),
            machine_arn,
            description: description.map(str::to_owned),
            routing: routing.to_vec(),
            creation_millis: self.now,
            update_millis: self.now,
            order: self.registry.alias_order,
        };
        self.registry.aliases.insert(arn.clone(), alias);
        Ok(json!({"stateMachineAliasArn": arn, "creationDate": iso8601(self.now)}))
    }

    /// UpdateStateMachineAlias: a new description and/or routing (at least one). Answers
    /// `{updateDate}`.
    pub fn update_state_machine_alias(
        &mut self,
        alias_arn: &str,
        description: Option<&str>,
        routing: Option<&[Route]>,
    ) -> Result<Value, ApiError> {
        if description.is_none() && routing.is_none() {
            return Err(ApiError::new(
                names::VALIDATION,
                "Either the description or the routingConfiguration must be specified",
            ));
        }
        check_description("description", description)?;
        let machine_arn = self
            .registry
            .aliases
            .get(alias_arn)
            .ok_or_else(|| alias_missing(alias_arn))?
            .machine_arn
            .clone();
        if let Some(r) = routing {
            if self.check_routing(r)? != machine_arn {
                return Err(ApiError::new(
                    names::VALIDATION,
                    "Invalid routing configuration: the versions must belong to the alias' state machine",
                ));
            }
        }
        let now = self.now;
        let a = self
            .registry
            .aliases
            .get_mut(alias_arn)
            .ok_or_else(|| alias_missing(alias_arn))?;
        if let Some(d) = description {
            a.description = Some(d.to_owned());
        }
        if let Some(r) = routing {
            a.routing = r.to_vec();
        }
        a.update_millis = now;
        Ok(json!({ "updateDate": iso8601(now) }))
    }

    pub fn state_machine_alias(&self, alias_arn: &str) -> Option<&Alias> {
        self.registry.aliases.get(alias_arn)
    }

    /// DescribeStateMachineAlias.
    pub fn describe_state_machine_alias(&self, alias_arn: &str) -> Result<Value, ApiError> {
        let a = self
            .registry
            .aliases
            .get(alias_arn)
            .ok_or_else(|| alias_missing(alias_arn))?;
        let mut o = Map::new();
        o.insert("stateMachineAliasArn".into(), json!(a.arn));
        o.insert("name".into(), json!(a.name));
        if let Some(d) = &a.description {
            o.insert("description".into(), json!(d));
        }
        o.insert("routingConfiguration".into(), routing_json(&a.routing));
        o.insert("creationDate".into(), json!(iso8601(a.creation_millis)));
        o.insert("updateDate".into(), json!(iso8601(a.update_millis)));
        Ok(Value::Object(o))
    }

    /// The aliases of a machine (unqualified ARN) or of the version they route to, newest first.
    pub fn state_machine_aliases(&self, arn: &str) -> Vec<&Alias> {
        let mut list: Vec<&Alias> = match Qualified::parse(arn) {
            Some(Qualified::Version { .. }) => self.registry.routed_to(arn),
            Some(Qualified::Alias { .. }) => Vec::new(),
            None => self
                .registry
                .aliases
                .values()
                .filter(|a| a.machine_arn == arn)
                .collect(),
        };
        // `order` is unique (a counter), so an unstable sort gives the same list.
        list.sort_unstable_by_key(|a| std::cmp::Reverse(a.order));
        list
    }

    /// ListStateMachineAliases of a machine, or of a version (the aliases routing to it).
    pub fn list_state_machine_aliases(&self, arn: &str) -> Result<Value, ApiError> {
        match Qualified::parse(arn) {
            Some(q @ Qualified::Version { .. }) if self.registry.version(&q).is_none() => {
                return Err(alias_missing(arn));
            }
            Some(Qualified::Version { .. }) => {}
            Some(Qualified::Alias { .. }) => return Err(invalid_arn(arn)),
            None if !self.machines.contains_key(arn) => return Err(machine_missing(arn)),
            None => {}
        }
        let list: Vec<Value> = self
            .state_machine_aliases(arn)
            .iter()
            .map(|a| json!({"stateMachineAliasArn": a.arn, "creationDate": iso8601(a.creation_millis)}))
            .collect();
        Ok(json!({ "stateMachineAliases": list }))
    }

    /// DeleteStateMachineAlias: the versions it routed to stay.
    pub fn delete_state_machine_alias(&mut self, alias_arn: &str) -> Result<(), ApiError> {
        self.registry
            .aliases
            .remove(alias_arn)
            .map(|_| ())
            .ok_or_else(|| alias_missing(alias_arn))
    }
}
