//! Typed model: written by the engine owner.
