//! The Amazon States Language, as AWS Step Functions reads and evaluates it.
//!
//! Pure functions over `stepwise_json::Value` (shared, copy-on-write JSON): no I/O, no clock, no randomness of its own
//! (randomness comes in through [`scope::Random`], supplied by the engine).

#![forbid(unsafe_code)]

pub mod arn;
pub mod choice;
pub mod error;
pub mod intrinsics;
mod meter;
pub mod model;
pub mod path;
pub mod payload;
pub mod query;
pub mod scope;
pub mod validate;

#[cfg(test)]
mod test_data;

pub use error::StatesError;
pub use scope::{Random, Scope};
/// The evaluation budget (JSONata, intrinsics, payload templates) and where a host sets it.
pub use stepwise_jsonata::budget;
