//! `use_tasks`: the Tasks view's state (a reducer, [`TasksState`]) and the actions that call
//! Google. Each change is shown at once and undone if Google refuses it; the reason is shown
//! in words with a code. A refused token ends the session (typed text survives in the draft).

use crate::feature_root::{use_feature, FeatureContext};
use crate::google::task_dates;
use crate::google::task_order::{self, Step};
use crate::google::tasks::{self as api, Placement, TaskChange, TaskFilter};
use crate::tasks_state::{
    Details, Editing, ListForm, TasksAction, TasksDraft, TasksState, PENDING_PREFIX,
};
use oauth::scopes::TASKS_API;
use oauth::Access;
use seam::browser::clock::today;
use seam::browser::storage::{self, keys, Area};
use seam::error::{ApiStep, AppError};
use seam::view::View;
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
    /// The task being dragged by pointer, between `dragstart` and `drop`.
    dragging: Rc<RefCell<Option<String>>>,
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
        let pending_id = self.pending_id("");
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
            TaskChange::Edit { .. } => ApiStep::EditTask,
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

impl TasksHandle {
    /// The next id for something shown before Google has it.
    fn pending_id(&self, kind: &str) -> String {
        let mut next = self.next_pending.borrow_mut();
        *next += 1;
        format!("{PENDING_PREFIX}{kind}{}", *next)
    }

    /// Today in the person's own time zone, `YYYY-MM-DD`, for "overdue".
    pub fn today(&self) -> String {
        today()
    }

    pub fn edit_details(&self, details: Option<Details>) {
        self.state.dispatch(TasksAction::Details(details));
    }

    /// A move by keyboard or button: where `step` puts the task, or why it cannot go there.
    pub fn step(&self, task_id: String, step: Step) {
        if !self.may_write() {
            return;
        }
        match task_order::stepped(self.state.rows(), &task_id, step) {
            Ok(to) => self.move_to(task_id, to, Some(step)),
            Err(refusal) => {
                let title = self.state.row(&task_id).map(|r| r.task.title.clone());
                self.state.dispatch(TasksAction::Refused(format!(
                    "“{}” {}.",
                    title.unwrap_or_default(),
                    refusal.words()
                )));
            }
        }
    }

    pub fn start_drag(&self, task_id: String) {
        *self.dragging.borrow_mut() = Some(task_id);
    }

    /// The task being dragged, if a drag is under way.
    pub fn dragged(&self) -> Option<String> {
        self.dragging.borrow().clone()
    }

    pub fn end_drag(&self) {
        *self.dragging.borrow_mut() = None;
    }

    /// A drop by pointer: the dragged task just before `target`.
    pub fn drop_before(&self, task_id: String, target: String) {
        if !self.may_write() {
            return;
        }
        if let Some(to) = task_order::dropped_before(self.state.rows(), &task_id, &target) {
            self.move_to(task_id, to, None);
        }
    }

    fn move_to(&self, task_id: String, to: Placement, step: Option<Step>) {
        let Some(list_id) = self.state.draft.list_id.clone() else {
            return;
        };
        if self.state.row(&task_id).is_none_or(|r| r.is_saving()) {
            return;
        }
        self.state.dispatch(TasksAction::Moving {
            task_id: task_id.clone(),
            to: to.clone(),
            step,
        });
        let this = self.clone();
        spawn_local(async move {
            let (host, session) = (&this.feature.host, &this.feature.session);
            let result = api::move_task(host, session, &list_id, &task_id, &to, None).await;
            let result = settle(ApiStep::MoveTask, result);
            this.state.dispatch(TasksAction::Moved { task_id, result });
        });
    }

    /// Saves the details form: one PATCH of what changed (notes, due date), then, if another
    /// list was chosen, `tasks.move` there. The form stays open with what was typed until both
    /// are done; a refusal undoes its own part and says so.
    pub fn save_details(&self) {
        let (Some(details), Some(list_id)) = (
            self.state.draft.details.clone(),
            self.state.draft.list_id.clone(),
        ) else {
            return;
        };
        let Some(row) = self.state.row(&details.task_id) else {
            return;
        };
        if row.is_saving() || !self.may_write() {
            return;
        }
        let task = row.task.clone();
        let notes = (details.notes.trim() != task.notes.as_deref().unwrap_or(""))
            .then(|| Some(details.notes.trim().to_owned()).filter(|n| !n.is_empty()));
        let due = task_dates::due_for(&details.due);
        let was = task.due.as_deref().and_then(task_dates::date_of);
        let due = (due.as_deref().and_then(task_dates::date_of) != was).then_some(due);
        let change = (notes.is_some() || due.is_some()).then_some(TaskChange::Edit { notes, due });
        let destination = (details.list_id != list_id).then(|| details.list_id.clone());
        if change.is_none() && destination.is_none() {
            self.edit_details(None);
            return;
        }
        let to = destination.as_ref().map(|id| {
            self.state
                .lists()
                .iter()
                .find(|l| l.id == *id)
                .map(|l| l.title.clone())
                .unwrap_or_default()
        });
        let this = self.clone();
        let task_id = details.task_id.clone();
        if let Some(change) = &change {
            self.state.dispatch(TasksAction::Changing {
                task_id: task_id.clone(),
                change: change.clone(),
            });
        }
        spawn_local(async move {
            let (host, session) = (&this.feature.host, &this.feature.session);
            if let Some(change) = change {
                let result = api::update_task(host, session, &list_id, &task_id, &change).await;
                let ok = result.is_ok();
                let result = settle(ApiStep::EditTask, result);
                this.state.dispatch(TasksAction::Changed {
                    task_id: task_id.clone(),
                    change,
                    result,
                });
                if !ok {
                    return;
                }
            }
            match (destination, to) {
                (Some(destination), Some(to)) => {
                    this.state.dispatch(TasksAction::MovingAway {
                        task_id: task_id.clone(),
                        to,
                    });
                    let top = Placement::default();
                    let result =
                        api::move_task(host, session, &list_id, &task_id, &top, Some(&destination))
                            .await
                            .map(|_| ());
                    let result = settle(ApiStep::MoveTaskToList, result);
                    this.state
                        .dispatch(TasksAction::MovedAway { task_id, result });
                }
                _ => this.state.dispatch(TasksAction::Details(None)),
            }
        });
    }

    /// Google's "Clear completed": every completed task of the list hidden.
    pub fn clear_completed(&self) {
        let Some(list_id) = self.state.draft.list_id.clone() else {
            return;
        };
        if !self.may_write() {
            return;
        }
        self.state.dispatch(TasksAction::ClearingCompleted);
        let this = self.clone();
        spawn_local(async move {
            let (host, session) = (&this.feature.host, &this.feature.session);
            let result = api::clear_completed(host, session, &list_id).await;
            let result = settle(ApiStep::ClearCompleted, result);
            this.state.dispatch(TasksAction::ClearedCompleted(result));
        });
    }

    pub fn list_form(&self, form: Option<ListForm>) {
        self.state.dispatch(TasksAction::ListForm(form));
    }

    /// Makes a list with the name in the list form, and shows it once Google has it.
    pub fn create_list(&self) {
        let Some(ListForm::New(title)) = self.state.draft.list_form.clone() else {
            return;
        };
        let title = title.trim().to_owned();
        if title.is_empty() || !self.may_write() {
            return;
        }
        let pending_id = self.pending_id("list-");
        self.state.dispatch(TasksAction::CreatingList {
            pending_id: pending_id.clone(),
            title: title.clone(),
        });
        let this = self.clone();
        spawn_local(async move {
            let (host, session) = (&this.feature.host, &this.feature.session);
            let result = api::insert_list(host, session, &title).await;
            let result = settle(ApiStep::CreateList, result);
            this.state
                .dispatch(TasksAction::CreatedList { pending_id, result });
        });
    }

    pub fn rename_list(&self) {
        let Some(ListForm::Rename { list_id, title }) = self.state.draft.list_form.clone() else {
            return;
        };
        let title = title.trim().to_owned();
        if title.is_empty() || !self.may_write() {
            return;
        }
        self.state.dispatch(TasksAction::RenamingList {
            list_id: list_id.clone(),
            title: title.clone(),
        });
        let this = self.clone();
        spawn_local(async move {
            let (host, session) = (&this.feature.host, &this.feature.session);
            let result = api::rename_list(host, session, &list_id, &title).await;
            let result = settle(ApiStep::RenameList, result);
            this.state
                .dispatch(TasksAction::RenamedList { list_id, result });
        });
    }

    /// Asks to confirm deleting the list, counting what goes with it meanwhile.
    pub fn ask_to_delete_list(&self, list_id: String) {
        if !self.may_write() {
            return;
        }
        self.state
            .dispatch(TasksAction::ConfirmDelete(Some(list_id.clone())));
        let this = self.clone();
        spawn_local(async move {
            let (host, session) = (&this.feature.host, &this.feature.session);
            let result = api::count_tasks(host, session, &list_id)
                .await
                .map(|listing| listing.items.len());
            let result = settle(ApiStep::CountTasks, result);
            this.state
                .dispatch(TasksAction::Counted { list_id, result });
        });
    }

    pub fn keep_list(&self) {
        self.state.dispatch(TasksAction::ConfirmDelete(None));
    }

    pub fn delete_list(&self, list_id: String) {
        if !self.may_write() {
            return;
        }
        self.state.dispatch(TasksAction::DeletingList {
            list_id: list_id.clone(),
        });
        let this = self.clone();
        spawn_local(async move {
            let (host, session) = (&this.feature.host, &this.feature.session);
            let result = api::delete_list(host, session, &list_id).await;
            let result = settle(ApiStep::DeleteList, result);
            this.state
                .dispatch(TasksAction::DeletedList { list_id, result });
        });
    }
}

/// A failed call in the app's words. A refused token has already ended the session: the host
/// saw the 401 first.
fn settle<T>(step: ApiStep, result: Result<T, oauth::api::ApiError>) -> Result<T, AppError> {
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
    let dragging = use_mut_ref(|| None::<String>);
    let handle = TasksHandle {
        state: state.clone(),
        access: feature.session.access(&TASKS_API),
        feature,
        next_pending,
        dragging,
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
