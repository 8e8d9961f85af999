//! State machine definitions built from fuzz bytes: states of every type wired to each other,
//! with fields filled from the dictionaries (JSONPath, intrinsics, JSONata) or with generated
//! values, and now and then a field AWS does not know. Most of them are valid, so attempts
//! reach execution; the rest probe the validator.

use crate::dictionary::{
    BROKEN_PATHS, INTRINSICS, JSONATA, NUMBERS, PATHS, REFERENCE_PATHS, SECONDS, STATE_NAMES,
    STRINGS,
};
use crate::pick;
use crate::values::{self, key};
use arbitrary::{Result, Unstructured};
use stepwise_json::write_string;

thread_local! {
    /// Whether the definition being built may hold deliberate mistakes (a quarter of them do).
    /// The others stay valid as far as the generator knows, so that they run: one mistake
    /// anywhere refuses a whole definition, and a definition has dozens of fields.
    static FAULTS: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

fn faults() -> bool {
    FAULTS.with(std::cell::Cell::get)
}

/// Mostly a valid path, sometimes one the validator refuses.
fn path(u: &mut Unstructured, reference: bool) -> Result<&'static str> {
    if faults() && u.ratio(1, 12)? {
        return pick(u, BROKEN_PATHS);
    }
    pick(u, if reference { REFERENCE_PATHS } else { PATHS })
}

/// Mostly seconds AWS accepts, sometimes any number from the dictionary.
fn seconds(u: &mut Unstructured) -> Result<&'static str> {
    if faults() && u.ratio(1, 8)? {
        return pick(u, NUMBERS);
    }
    pick(u, SECONDS)
}

/// Nested Parallel branches and Map processors beyond this are closed with a Succeed state.
const MAX_NESTING: usize = 4;

pub fn definition(u: &mut Unstructured) -> Result<String> {
    let faults = u.ratio(1, 4)?;
    FAULTS.with(|f| f.set(faults));
    values::set_depth_cap(if faults { usize::MAX } else { 60 });
    let jsonata = u.ratio(1, 3)?;
    let mut out = String::from("{");
    if u.ratio(1, 8)? {
        out.push_str("\"TimeoutSeconds\":");
        out.push_str(seconds(u)?);
        out.push(',');
    }
    if jsonata {
        out.push_str("\"QueryLanguage\":\"JSONata\",");
    }
    machine_body(u, &mut out, jsonata, 0)?;
    out.push('}');
    Ok(out)
}

/// `"StartAt": ..., "States": {...}` of a machine, branch or item processor.
fn machine_body(
    u: &mut Unstructured,
    out: &mut String,
    jsonata: bool,
    nesting: usize,
) -> Result<()> {
    let count = u.int_in_range(1..=5)?;
    // State names are unique across the whole machine, branches included: a nested body's
    // names carry where it starts in the text. Now and then one is a name on the edge.
    let prefix = if nesting == 0 {
        String::new()
    } else {
        format!("B{}", out.len())
    };
    let names: Vec<String> = (0..count)
        .map(|i| match u.ratio(1, 40).map(|edge| edge && faults()) {
            Ok(true) => pick(u, STATE_NAMES).map(str::to_owned).unwrap_or_default(),
            _ => format!("{prefix}S{i}"),
        })
        .collect();
    out.push_str("\"StartAt\":");
    write_string(&names[0], out);
    out.push_str(",\"States\":{");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(name, out);
        out.push(':');
        state(u, out, &names, i, jsonata, nesting)?;
    }
    out.push('}');
    Ok(())
}

fn state(
    u: &mut Unstructured,
    out: &mut String,
    names: &[String],
    index: usize,
    jsonata: bool,
    nesting: usize,
) -> Result<()> {
    // Succeed and Fail end a machine: only its last state, or the states after it are
    // unreachable; a Choice last would leave no terminal state.
    let kinds: &[&str] = if index + 1 == names.len() {
        &["Pass", "Task", "Wait", "Succeed", "Fail", "Parallel", "Map"]
    } else {
        &["Pass", "Task", "Choice", "Wait", "Parallel", "Map"]
    };
    let mut kind = kinds[u.choose_index(kinds.len())?];
    // Exhausted bytes make every `ratio` true: nothing more may branch out then.
    if (nesting >= MAX_NESTING || u.is_empty()) && matches!(kind, "Parallel" | "Map") {
        kind = "Pass";
    }
    out.push_str("{\"Type\":");
    write_string(kind, out);
    // Mostly forward transitions, so that executions end; sometimes back (loops) or nowhere.
    let next = |u: &mut Unstructured| -> Result<Option<String>> {
        if index + 1 < names.len() {
            return Ok(Some(names[index + 1].clone()));
        }
        if index + 1 == names.len() && faults() && u.ratio(1, 8)? {
            return Ok(Some(names[u.choose_index(names.len())?].clone()));
        }
        Ok(None)
    };
    let flow = |u: &mut Unstructured, out: &mut String| -> Result<()> {
        match next(u)? {
            Some(n) => {
                out.push_str(",\"Next\":");
                write_string(&n, out);
            }
            None => out.push_str(",\"End\":true"),
        }
        Ok(())
    };
    match kind {
        "Pass" => {
            data_fields(u, out, jsonata, false)?;
            if !jsonata && u.ratio(1, 2)? {
                out.push_str(",\"Result\":");
                values::value(u, out, 1)?;
            }
            flow(u, out)?;
        }
        "Task" => {
            out.push_str(",\"Resource\":");
            let resource = pick(u, &STRINGS[STRINGS.len() - 6..])?;
            write_string(resource, out);
            data_fields(u, out, jsonata, true)?;
            for field in ["TimeoutSeconds", "HeartbeatSeconds"] {
                if u.ratio(1, 4)? {
                    out.push_str(&format!(",\"{field}\":"));
                    out.push_str(seconds(u)?);
                }
            }
            retry_catch(u, out, names, jsonata)?;
            flow(u, out)?;
        }
        "Choice" => {
            out.push_str(",\"Choices\":[");
            let n = u.int_in_range(1..=3)?;
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                out.push('{');
                choice_rule(u, out, jsonata, 0)?;
                out.push_str(",\"Next\":");
                write_string(&names[u.choose_index(names.len())?], out);
                out.push('}');
            }
            out.push(']');
            if u.ratio(9, 10)? {
                out.push_str(",\"Default\":");
                let default = match names.get(index + 1) {
                    Some(next) if u.ratio(3, 4)? => next,
                    _ => &names[u.choose_index(names.len())?],
                };
                write_string(default, out);
            }
        }
        "Wait" => {
            let fields: &[&str] = if jsonata {
                &["Seconds", "Timestamp"]
            } else {
                &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]
            };
            let field = pick(u, fields)?;
            out.push_str(&format!(",\"{field}\":"));
            match field {
                "Seconds" if jsonata && u.ratio(1, 2)? => expression(u, out, true)?,
                "Seconds" => out.push_str(seconds(u)?),
                "Timestamp" if jsonata && u.ratio(1, 2)? => expression(u, out, true)?,
                "Timestamp" => write_string(
                    pick(
                        u,
                        &[
                            "2024-01-01T00:00:00Z",
                            "2016-08-18T17:33:00Z",
                            "1970-01-01T00:00:00.000Z",
                            "9999-12-31T23:59:59Z",
                            "2024-02-30T00:00:00Z",
                        ],
                    )?,
                    out,
                ),
                _ => write_string(path(u, true)?, out),
            }
            flow(u, out)?;
        }
        "Fail" => {
            for field in ["Error", "Cause"] {
                if u.ratio(1, 2)? {
                    // JSONPath states may take the value from a path instead.
                    if !jsonata && u.ratio(1, 3)? {
                        out.push_str(&format!(",\"{field}Path\":"));
                        write_string(path(u, false)?, out);
                    } else {
                        out.push_str(&format!(",\"{field}\":"));
                        string_or_expression(u, out, jsonata)?;
                    }
                }
            }
        }
        "Parallel" => {
            out.push_str(",\"Branches\":[");
            let n = u.int_in_range(1..=3)?;
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                out.push('{');
                machine_body(u, out, jsonata, nesting + 1)?;
                out.push('}');
            }
            out.push(']');
            data_fields(u, out, jsonata, true)?;
            retry_catch(u, out, names, jsonata)?;
            flow(u, out)?;
        }
        "Map" => {
            out.push_str(",\"ItemProcessor\":{");
            if u.ratio(1, 4)? {
                out.push_str("\"ProcessorConfig\":{\"Mode\":\"DISTRIBUTED\",\"ExecutionType\":\"STANDARD\"},");
            }
            machine_body(u, out, jsonata, nesting + 1)?;
            out.push('}');
            if jsonata {
                if u.ratio(2, 3)? {
                    out.push_str(",\"Items\":");
                    string_or_expression(u, out, true)?;
                }
            } else if u.ratio(2, 3)? {
                out.push_str(",\"ItemsPath\":");
                write_string(path(u, true)?, out);
            }
            for field in [
                "MaxConcurrency",
                "ToleratedFailureCount",
                "ToleratedFailurePercentage",
            ] {
                if u.ratio(1, 5)? {
                    out.push_str(&format!(",\"{field}\":"));
                    out.push_str(if faults() && u.ratio(1, 4)? {
                        pick(u, NUMBERS)?
                    } else {
                        pick(u, &["0", "1", "2", "10", "50", "100"])?
                    });
                }
            }
            if u.ratio(1, 4)? {
                out.push_str(",\"ItemSelector\":");
                payload(u, out, jsonata, 0)?;
            }
            data_fields(u, out, jsonata, true)?;
            retry_catch(u, out, names, jsonata)?;
            flow(u, out)?;
        }
        _ => {}
    }
    if faults() && u.ratio(1, 8)? {
        // A field AWS may not know, or a known one with a value of the wrong type.
        out.push(',');
        key(u, out)?;
        out.push(':');
        values::value(u, out, 1)?;
    }
    out.push('}');
    Ok(())
}

/// The input/output fields of a state in its query language.
fn data_fields(
    u: &mut Unstructured,
    out: &mut String,
    jsonata: bool,
    takes_arguments: bool,
) -> Result<()> {
    if jsonata {
        for field in ["Arguments", "Output"] {
            if (takes_arguments || field == "Output") && u.ratio(1, 2)? {
                out.push_str(&format!(",\"{field}\":"));
                if u.ratio(1, 2)? {
                    expression(u, out, true)?;
                } else {
                    payload(u, out, true, 0)?;
                }
            }
        }
    } else {
        for field in ["InputPath", "OutputPath", "ResultPath"] {
            if u.ratio(1, 4)? {
                out.push_str(&format!(",\"{field}\":"));
                write_string(path(u, true)?, out);
            }
        }
        for field in ["Parameters", "ResultSelector"] {
            if (takes_arguments || field == "Parameters") && u.ratio(1, 3)? {
                out.push_str(&format!(",\"{field}\":"));
                payload(u, out, false, 0)?;
            }
        }
    }
    if u.ratio(1, 3)? {
        out.push_str(",\"Assign\":");
        payload(u, out, jsonata, 0)?;
    }
    Ok(())
}

/// A payload template: fields whose values are paths, intrinsics, expressions or constants.
fn payload(u: &mut Unstructured, out: &mut String, jsonata: bool, depth: usize) -> Result<()> {
    out.push('{');
    let n = u.int_in_range(0..=4)?;
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let name = pick(u, &["a", "b", "x", "items", "n", "s", "e", "Payload"])?;
        match u.int_in_range(0..=4)? {
            0 if !jsonata => {
                write_string(&format!("{name}.$"), out);
                out.push(':');
                write_string(path(u, false)?, out);
            }
            1 if !jsonata => {
                write_string(&format!("{name}.$"), out);
                out.push(':');
                intrinsic(u, out)?;
            }
            2 if depth < 3 && !u.is_empty() => {
                write_string(name, out);
                out.push(':');
                payload(u, out, jsonata, depth + 1)?;
            }
            3 if jsonata => {
                write_string(name, out);
                out.push(':');
                expression(u, out, true)?;
            }
            _ => {
                write_string(name, out);
                out.push(':');
                values::value(u, out, depth + 1)?;
            }
        }
    }
    out.push('}');
    Ok(())
}

fn intrinsic(u: &mut Unstructured, out: &mut String) -> Result<()> {
    if u.ratio(3, 4)? {
        write_string(pick(u, INTRINSICS)?, out);
    } else {
        write_string(&intrinsic_text(u, 0)?, out);
    }
    Ok(())
}

/// An intrinsic call with generated arguments (nested calls, paths, literals).
pub fn intrinsic_text(u: &mut Unstructured, depth: usize) -> Result<String> {
    let mut s = pick(u, crate::dictionary::INTRINSIC_NAMES)?.to_owned();
    s.push('(');
    let n = u.int_in_range(0..=4)?;
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        match u.int_in_range(0..=5)? {
            0 if depth < 6 && !u.is_empty() => s.push_str(&intrinsic_text(u, depth + 1)?),
            1 => s.push_str(pick(u, PATHS)?),
            2 => s.push_str(pick(u, NUMBERS)?),
            3 => {
                let text: &str = u.arbitrary()?;
                s.push('\'');
                s.push_str(&text.replace('\\', "\\\\").replace('\'', "\\'"));
                s.push('\'');
            }
            4 => s.push_str(pick(
                u,
                &[
                    "'{}'",
                    "'{} {} {}'",
                    "'SHA-512'",
                    "','",
                    "null",
                    "true",
                    "'\\{'",
                ],
            )?),
            _ => s.push_str("$.a"),
        }
    }
    s.push(')');
    Ok(s)
}

/// `"{% expr %}"`.
fn expression(u: &mut Unstructured, out: &mut String, _jsonata: bool) -> Result<()> {
    write_string(&format!("{{% {} %}}", jsonata_text(u)?), out);
    Ok(())
}

fn string_or_expression(u: &mut Unstructured, out: &mut String, jsonata: bool) -> Result<()> {
    if jsonata && u.ratio(1, 2)? {
        expression(u, out, true)
    } else {
        values::string(u, out)
    }
}

/// A JSONata expression: one from the dictionary, or a few joined by operators.
pub fn jsonata_text(u: &mut Unstructured) -> Result<String> {
    let mut s = pick(u, JSONATA)?.to_owned();
    let joins = u.int_in_range(0..=3)?;
    for _ in 0..joins {
        // Some joins break the syntax: only in definitions allowed mistakes.
        let op = if faults() {
            pick(
                u,
                &[" + ", " & ", " = ", ".", " ? ", " : ", "; ", ")[", " ~> "],
            )?
        } else {
            pick(u, &[" & ", " = ", " != ", " and ", " or ", " in "])?
        };
        s = match u.int_in_range(0..=2)? {
            0 => format!("({s}){op}({})", pick(u, JSONATA)?),
            1 => format!(
                "$map([1..{}], function($v){{ {s} }})",
                u.int_in_range(0..=2000u32)?
            ),
            _ => format!("{{'k': {s}, 'v': [{s}]}}"),
        };
    }
    Ok(s)
}

fn retry_catch(
    u: &mut Unstructured,
    out: &mut String,
    names: &[String],
    jsonata: bool,
) -> Result<()> {
    if u.ratio(1, 3)? {
        out.push_str(",\"Retry\":[{\"ErrorEquals\":[\"States.ALL\"]");
        for field in [
            "IntervalSeconds",
            "MaxAttempts",
            "BackoffRate",
            "MaxDelaySeconds",
        ] {
            if u.ratio(1, 2)? {
                out.push_str(&format!(",\"{field}\":"));
                out.push_str(pick(u, NUMBERS)?);
            }
        }
        if u.ratio(1, 4)? {
            out.push_str(",\"JitterStrategy\":\"FULL\"");
        }
        out.push_str("}]");
    }
    if u.ratio(1, 3)? {
        out.push_str(",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":");
        write_string(&names[u.choose_index(names.len())?], out);
        if !jsonata && u.ratio(1, 2)? {
            out.push_str(",\"ResultPath\":");
            write_string(path(u, true)?, out);
        }
        out.push_str("}]");
    }
    Ok(())
}

fn choice_rule(u: &mut Unstructured, out: &mut String, jsonata: bool, depth: usize) -> Result<()> {
    if jsonata {
        out.push_str("\"Condition\":");
        return expression(u, out, true);
    }
    if depth < 40 && !u.is_empty() && u.ratio(1, 4)? {
        // Nested And/Or/Not: deep rules on purpose (deep chains of Not; And/Or branch in two,
        // so they stop earlier).
        let op = if depth < 6 {
            pick(u, &["And", "Or", "Not"])?
        } else {
            "Not"
        };
        out.push_str(&format!("\"{op}\":"));
        if op == "Not" {
            out.push('{');
            choice_rule(u, out, jsonata, depth + 1)?;
            out.push('}');
        } else {
            out.push_str("[{");
            choice_rule(u, out, jsonata, depth + 1)?;
            out.push_str("},{");
            choice_rule(u, out, jsonata, depth + 1)?;
            out.push_str("}]");
        }
        return Ok(());
    }
    out.push_str("\"Variable\":");
    write_string(path(u, true)?, out);
    let op = pick(
        u,
        &[
            "StringEquals",
            "StringMatches",
            "NumericEquals",
            "NumericLessThanPath",
            "BooleanEquals",
            "TimestampEquals",
            "TimestampGreaterThan",
            "IsPresent",
            "IsNull",
            "IsString",
            "StringLessThan",
        ],
    )?;
    out.push_str(&format!(",\"{op}\":"));
    match op {
        _ if u.ratio(1, 10)? => values::value(u, out, 1)?,
        _ if op.ends_with("Path") => write_string(path(u, false)?, out),
        "StringEquals" | "StringMatches" | "StringLessThan" => values::string(u, out)?,
        "NumericEquals" => out.push_str(pick(u, NUMBERS)?),
        "TimestampEquals" | "TimestampGreaterThan" => out.push_str("\"2024-01-01T00:00:00Z\""),
        _ => out.push_str(if u.arbitrary()? { "true" } else { "false" }),
    }
    Ok(())
}
