pub mod graph;
pub mod highlight;
pub mod share;
pub fn start() {}
