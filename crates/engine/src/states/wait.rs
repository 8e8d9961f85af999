//! The Wait state: `Seconds`/`SecondsPath` or `Timestamp`/`TimestampPath` (or JSONata), checked
//! as AWS checks them; the frame's Exit is queued at the due instant of the virtual clock.

use crate::clock::{self, MAX_SECONDS};
use crate::engine::Engine;
use crate::execution::{FrameRef, Phase};
use crate::run::Res;
use stepwise_asl::error::names;
use stepwise_asl::model::{Dynamic, State, Wait};
use stepwise_asl::StatesError;
use stepwise_json::Value;

impl Engine {
    pub(crate) fn start_wait(&mut self, at: FrameRef, st: &State, w: &Wait) -> Res<()> {
        let eff = self.effective_input(at, st)?;
        let due = match w {
            Wait::Seconds(d) => {
                let v = self.dynamic_value(at, d, "Seconds", &eff)?;
                let path_text = match d {
                    Dynamic::Path(p) => p.text().to_owned(),
                    _ => String::new(),
                };
                let secs = match &v {
                    Value::Number(n) if n.as_i64().is_some() => n.as_i64().unwrap_or(0),
                    // Beyond i64 a number is no long value (1e300 once wrapped around to "now").
                    Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e18) => n.as_f64().unwrap_or(0.0) as i64,
                    _ if matches!(d, Dynamic::Expression(_)) => {
                        return Err(StatesError::new(names::QUERY_EVALUATION_ERROR, format!("The Seconds field must be a non-negative integer, got: {v}")))
                    }
                    _ => return Err(StatesError::runtime(format!("The SecondsPath parameter cannot be parsed as a long value: {path_text} == {v}"))),
                };
                if secs < 0 {
                    if matches!(d, Dynamic::Expression(_)) {
                        return Err(StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            format!("The Seconds field must be a non-negative integer, got: {v}"),
                        ));
                    }
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter references a negative value: {path_text} == {v}"
                    )));
                }
                if secs > MAX_SECONDS {
                    if matches!(d, Dynamic::Expression(_)) {
                        return Err(StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            format!("The Seconds field must be an integer from 0 to {MAX_SECONDS}, got: {v}"),
                        ));
                    }
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter references a value greater than the maximum of {MAX_SECONDS} seconds: {path_text} == {v}"
                    )));
                }
                clock::later(self.now, secs * 1000)
            }
            Wait::Timestamp(d) => {
                let v = self.dynamic_value(at, d, "Timestamp", &eff)?;
                let parsed = v.as_str().and_then(crate::clock::parse_iso8601);
                match (parsed, d) {
                    (Some(t), _) => t.max(self.now),
                    (None, Dynamic::Path(p)) => {
                        let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        return Err(StatesError::runtime(format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {shown}",
                            p.text()
                        )));
                    }
                    (None, _) => {
                        let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        return Err(StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {shown}"),
                        ));
                    }
                }
            }
        };
        let (out, assign) = self.without_result(
            at,
            st,
            eff,
            st.common.output.as_ref(),
            st.common.assign.as_ref(),
        )?;
        self.record_output(at, &out, assign.as_ref());
        self.frame_mut(at).phase = Phase::Exit {
            output: out,
            next: Self::transition_of(st),
            assign,
        };
        self.schedule_at(due, at);
        Ok(())
    }
}
