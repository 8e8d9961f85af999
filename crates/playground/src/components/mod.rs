//! One module per panel; each reads the workspace through `use_workspace()` and UI state
//! through `use_ui()`, and changes them only through their verbs and actions.

pub mod editor;
pub mod export_dialog;
pub mod graph_view;
pub mod header;
pub mod history_table;
pub mod inspector;
pub mod machines;
pub mod recording;
pub mod row;
pub mod run;
pub mod states_table;
pub mod test_state;
pub mod tokens;
pub mod tree;
pub mod versions;
