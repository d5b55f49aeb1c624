//! `use_tasks`: the Tasks view's state (a reducer, [`TasksState`]) and the actions that call
//! Google. Each change is shown at once and undone if Google refuses it; the reason is shown
//! in words with a code. A refused token ends the session (typed text survives in the draft).

use crate::browser::storage::{self, keys, Area};
use crate::error::{ApiStep, AppError};
use crate::google::tasks::{self as api, TaskChange, TaskFilter};
use crate::ui::feature_root::{use_feature, FeatureContext};
use crate::ui::tasks_state::{Editing, TasksAction, TasksDraft, TasksState, PENDING_PREFIX};
use crate::ui::view::View;
use oauth::scopes::TASKS_API;
use oauth::Access;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

impl Reducible for TasksState {
    type Action = TasksAction;

    fn reduce(self: Rc<Self>, action: TasksAction) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

/// What components get from [`use_tasks`].
#[derive(Clone)]
pub struct TasksHandle {
    state: UseReducerHandle<TasksState>,
    feature: FeatureContext,
    access: Access,
    /// Numbers the rows shown for creates Google has not confirmed yet.
    next_pending: Rc<RefCell<u64>>,
}

impl PartialEq for TasksHandle {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && self.access == other.access && self.feature == other.feature
    }
}

impl TasksHandle {
    pub fn state(&self) -> &TasksState {
        &self.state
    }

    pub fn access(&self) -> Access {
        self.access
    }

    pub fn reload(&self) {
        self.state.dispatch(TasksAction::Reload);
    }

    pub fn select(&self, list_id: String) {
        self.state.dispatch(TasksAction::Select(list_id));
    }

    pub fn set_filter(&self, filter: TaskFilter) {
        self.state.dispatch(TasksAction::Filter(filter));
    }

    pub fn type_title(&self, title: String) {
        self.state.dispatch(TasksAction::Type(title));
    }

    pub fn edit(&self, editing: Option<Editing>) {
        self.state.dispatch(TasksAction::Edit(editing));
    }

    pub fn dismiss_write_prompt(&self) {
        self.state.dispatch(TasksAction::WantWrite(false));
    }

    /// Asks Google for `scope` (the draft is already in sessionStorage), coming back to Tasks.
    pub fn request_scope(&self, scope: &'static str) {
        self.feature
            .host
            .request_scopes(&[scope], View::Tasks.name());
    }

    /// Read-only access cannot change anything: ask for full access instead of failing.
    fn may_write(&self) -> bool {
        if self.access < Access::Write {
            self.state.dispatch(TasksAction::WantWrite(true));
            return false;
        }
        true
    }

    /// Adds the typed title as a new task in the selected list.
    pub fn add(&self) {
        let title = self.state.draft.new_title.trim().to_owned();
        let Some(list_id) = self.state.draft.list_id.clone() else {
            return;
        };
        if title.is_empty() || self.state.adding || !self.may_write() {
            return;
        }
        let n = {
            let mut next = self.next_pending.borrow_mut();
            *next += 1;
            *next
        };
        let pending_id = format!("{PENDING_PREFIX}{n}");
        self.state.dispatch(TasksAction::Adding {
            pending_id: pending_id.clone(),
            title: title.clone(),
        });
        let this = self.clone();
        spawn_local(async move {
            let result =
                api::insert_task(&this.feature.host, &this.feature.session, &list_id, &title).await;
            let result = settle(ApiStep::CreateTask, result);
            this.state.dispatch(TasksAction::Added {
                pending_id,
                title,
                result,
            });
        });
    }

    pub fn change(&self, task_id: String, change: TaskChange) {
        let Some(list_id) = self.state.draft.list_id.clone() else {
            return;
        };
        if !self.may_write() {
            return;
        }
        let step = match &change {
            TaskChange::Complete => ApiStep::CompleteTask,
            TaskChange::Reopen => ApiStep::ReopenTask,
            TaskChange::Rename(_) => ApiStep::RenameTask,
        };
        self.state.dispatch(TasksAction::Changing {
            task_id: task_id.clone(),
            change: change.clone(),
        });
        let this = self.clone();
        spawn_local(async move {
            let result = api::update_task(
                &this.feature.host,
                &this.feature.session,
                &list_id,
                &task_id,
                &change,
            )
            .await;
            let result = settle(step, result);
            this.state.dispatch(TasksAction::Changed {
                task_id,
                change,
                result,
            });
        });
    }

    pub fn delete(&self, task_id: String) {
        let Some(list_id) = self.state.draft.list_id.clone() else {
            return;
        };
        if !self.may_write() {
            return;
        }
        self.state.dispatch(TasksAction::Deleting {
            task_id: task_id.clone(),
        });
        let this = self.clone();
        spawn_local(async move {
            let result = api::delete_task(
                &this.feature.host,
                &this.feature.session,
                &list_id,
                &task_id,
            )
            .await;
            let result = settle(ApiStep::DeleteTask, result);
            this.state
                .dispatch(TasksAction::Deleted { task_id, result });
        });
    }
}

/// A failed call in the app's words. A refused token has already ended the session: the host
/// saw the 401 first.
fn settle<T>(step: ApiStep, result: Result<T, crate::google::ApiError>) -> Result<T, AppError> {
    result.map_err(|error| AppError::from_api(step, error))
}

#[hook]
pub fn use_tasks() -> TasksHandle {
    let feature = use_feature();
    let state = use_reducer(|| {
        TasksState::new(
            storage::get(Area::Session, keys::TASKS)
                .and_then(|text| TasksDraft::from_json(&text))
                .unwrap_or_default(),
        )
    });
    let next_pending = use_mut_ref(|| 0u64);
    let handle = TasksHandle {
        state: state.clone(),
        access: feature.session.access(&TASKS_API),
        feature,
        next_pending,
    };

    // Whatever the person chose or typed survives reloads, expiry and consent round trips.
    use_effect_with(state.draft.clone(), |draft: &TasksDraft| {
        let _ = storage::set(Area::Session, keys::TASKS, &draft.to_json());
    });

    {
        let handle = handle.clone();
        use_effect_with(state.reloads, move |_| {
            spawn_local(async move {
                let result =
                    api::list_task_lists(&handle.feature.host, &handle.feature.session).await;
                let result = settle(ApiStep::ListTaskLists, result);
                handle.state.dispatch(TasksAction::ListsLoaded(result));
            });
        });
    }
    {
        let handle = handle.clone();
        let key = (state.generation, state.draft.list_id.clone());
        use_effect_with(key, move |(generation, list_id)| {
            let (generation, list_id) = (*generation, list_id.clone());
            let filter = handle.state.draft.filter();
            if let (Some(list_id), true) = (list_id, generation > 0) {
                spawn_local(async move {
                    let result = api::list_tasks(
                        &handle.feature.host,
                        &handle.feature.session,
                        &list_id,
                        filter,
                    )
                    .await;
                    let result = settle(ApiStep::ListTasks, result);
                    handle
                        .state
                        .dispatch(TasksAction::TasksLoaded { generation, result });
                });
            }
        });
    }
    handle
}
