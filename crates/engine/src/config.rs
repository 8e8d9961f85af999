//! What the host decides about an engine: where time starts, the seed, the account, the limits.

use crate::clock::DEFAULT_EPOCH_MILLIS;

#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// The instant the virtual clock starts at (milliseconds since the Unix epoch).
    pub epoch_millis: i64,
    /// Seed of the generator behind names, tokens, MathRandom, `$random()`, `$uuid()` and jitter.
    pub seed: u64,
    pub region: String,
    pub account: String,
    pub role_arn: String,
    pub limits: Limits,
    #[cfg(feature = "pipelines")]
    /// Whether each state run keeps its data-flow stages (`Execution::pipeline`), for an
    /// inspector. Off by default: holding every stage's value costs 4-13 % more instructions
    /// per transition (values the record shares stay shared, so their text is kept too).
    pub record_pipelines: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            epoch_millis: DEFAULT_EPOCH_MILLIS,
            seed: 42,
            region: "us-east-1".into(),
            account: "123456789012".into(),
            role_arn: "arn:aws:iam::123456789012:role/StepwiseExecutionRole".into(),
            limits: Limits::default(),
            #[cfg(feature = "pipelines")]
            record_pipelines: false,
        }
    }
}

/// AWS's quotas, plus the guards a browser tab needs against runaway recursion.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_history_events: usize,
    pub max_payload_bytes: usize,
    pub max_definition_bytes: usize,
    /// Executions one engine may hold (a machine starting itself would otherwise never stop).
    pub max_executions: usize,
    /// How deep `states:startExecution*` may nest.
    pub max_nesting_depth: u32,
    /// AWS's limits on workflow variables: one variable, everything one `Assign` sets, and all
    /// the variables an execution stores (as JSON text, in bytes).
    pub max_variable_bytes: usize,
    pub max_assign_bytes: usize,
    pub max_stored_variable_bytes: usize,
    /// Work one evaluation (a JSONata expression, an intrinsic, a payload template) may do:
    /// counted steps, not time, so that every run gives the same history.
    pub max_evaluation_steps: u64,
    /// Bytes of values one evaluation may produce (text by its length, 24 per array item or
    /// object entry), and the most a template or intrinsic result may take written out.
    pub max_evaluation_bytes: u64,
    /// How deeply a value an evaluation produces may nest.
    pub max_value_depth: u32,
}

impl Limits {
    /// The budget every evaluation of this engine runs under.
    pub fn evaluation_budget(&self) -> stepwise_asl::budget::Budget {
        stepwise_asl::budget::Budget {
            max_steps: self.max_evaluation_steps,
            max_bytes: self.max_evaluation_bytes,
            max_value_depth: self.max_value_depth,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_history_events: 25_000,
            max_payload_bytes: 256 * 1024,
            max_definition_bytes: 1024 * 1024,
            max_executions: 10_000,
            max_nesting_depth: 32,
            max_variable_bytes: 256 * 1024,
            max_assign_bytes: 256 * 1024,
            max_stored_variable_bytes: 10 * 1024 * 1024,
            max_evaluation_steps: stepwise_asl::budget::DEFAULT_MAX_STEPS,
            max_evaluation_bytes: stepwise_asl::budget::DEFAULT_MAX_BYTES,
            max_value_depth: stepwise_asl::budget::DEFAULT_MAX_VALUE_DEPTH,
        }
    }
}
