//! The workspace provider and the `use_workspace()` handle.
//!
//! The `Workspace` (and the engine inside it, with possibly tens of thousands of history
//! events) lives in one shared cell, never in reducer state: Yew's `use_reducer` keeps earlier
//! copies of its state. A plain `u64` revision in `use_state` is what changes; the handle
//! compares by revision, so consumers re-render exactly when the workspace changed and nothing
//! is deep-cloned.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::workspace::Workspace;

#[derive(Clone)]
pub struct WorkspaceHandle {
    cell: Rc<RefCell<Workspace>>,
    revision: u64,
    set_revision: UseStateSetter<u64>,
}

impl PartialEq for WorkspaceHandle {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision && Rc::ptr_eq(&self.cell, &other.cell)
    }
}

impl WorkspaceHandle {
    /// Reads the workspace. Do not hold the borrow across a call to `update`.
    pub fn read(&self) -> Ref<'_, Workspace> {
        self.cell.borrow()
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Runs a verb on the workspace and re-renders the consumers if it changed anything.
    pub fn update<R>(&self, f: impl FnOnce(&mut Workspace) -> R) -> R {
        let (result, before, after) = {
            let mut ws = self.cell.borrow_mut();
            let before = ws.revision;
            let r = f(&mut ws);
            (r, before, ws.revision)
        };
        if after != before {
            self.set_revision.set(after);
        }
        result
    }
}

#[derive(Properties, PartialEq)]
pub struct WorkspaceProviderProps {
    /// Builds the initial workspace (called once).
    pub init: Callback<(), Workspace>,
    pub children: Html,
}

#[function_component]
pub fn WorkspaceProvider(props: &WorkspaceProviderProps) -> Html {
    let init = props.init.clone();
    let cell = use_memo((), move |_| Rc::new(RefCell::new(init.emit(()))));
    let revision = use_state(|| 0u64);
    let handle = WorkspaceHandle {
        cell: Rc::clone(&cell),
        revision: *revision,
        set_revision: revision.setter(),
    };
    html! {
        <ContextProvider<WorkspaceHandle> context={handle}>
            { props.children.clone() }
        </ContextProvider<WorkspaceHandle>>
    }
}

#[hook]
pub fn use_workspace() -> WorkspaceHandle {
    use_context::<WorkspaceHandle>().expect("use_workspace() outside <WorkspaceProvider>")
}
