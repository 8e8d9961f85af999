//! The engine: written by the engine owner.
