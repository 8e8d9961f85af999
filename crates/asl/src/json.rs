//! Small facts about JSON values that several layers word the same way in their messages.

use stepwise_json::Value;

/// The JSON type name AWS prints in causes (`null`, `boolean`, `number`, `string`, `array`, `object`).
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
