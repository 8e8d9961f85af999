//! One file per state type, each owning what that type does once entered (its `start_*` and any
//! phases of its own); `io.rs` holds the data-flow stages they share, `branches.rs` what Map and
//! Parallel share once their branches or iterations run.

mod branches;
mod choice;
mod fail;
pub(crate) mod io;
mod map;
mod parallel;
mod pass;
mod succeed;
mod task;
mod wait;
