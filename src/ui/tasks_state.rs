//! The Tasks view as a reducer: what is shown, what is being saved, and how each optimistic
//! change is undone when Google refuses it. No browser and no I/O here, so every rollback is
//! tested natively; `hooks::tasks` makes the calls and dispatches their outcomes.
//!
//! Typed text is never lost: a new task's title and a rename stay in [`TasksDraft`] (which the
//! hook mirrors to sessionStorage) until Google confirms the save, so a failure, an expired
//! session or a trip to Google's consent page leaves them where they were.

use crate::error::AppError;
use crate::google::json_api::Listing;
use crate::google::task_order::in_display_order;
use crate::google::tasks::{Task, TaskChange, TaskFilter, TaskList};
use oauth::json::{Json, Object};

/// Ids of rows shown for a create Google has not confirmed yet start with this.
pub const PENDING_PREFIX: &str = "pending:";

/// What the person chose and typed, kept across reloads and redirects in this tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TasksDraft {
    pub list_id: Option<String>,
    pub show_completed: bool,
    pub show_hidden: bool,
    /// The new task's title, until Google has the task.
    pub new_title: String,
    /// A rename in progress, until Google has the new title.
    pub editing: Option<Editing>,
}

impl Default for TasksDraft {
    fn default() -> Self {
        TasksDraft {
            list_id: None,
            show_completed: true,
            show_hidden: false,
            new_title: String::new(),
            editing: None,
        }
    }
}

impl TasksDraft {
    /// The sessionStorage record.
    pub fn to_json(&self) -> String {
        let editing = self.editing.as_ref().map_or(Json::Null, |e| {
            Json::object([
                ("task_id", Json::string(&e.task_id)),
                ("title", Json::string(&e.title)),
            ])
        });
        Json::object([
            ("list_id", Json::optional(self.list_id.as_deref())),
            ("show_completed", Json::Bool(self.show_completed)),
            ("show_hidden", Json::Bool(self.show_hidden)),
            ("new_title", Json::string(&self.new_title)),
            ("editing", editing),
        ])
        .to_text()
    }

    /// Missing fields take their defaults; an unreadable record is none at all.
    pub fn from_json(text: &str) -> Option<TasksDraft> {
        let o = Json::parse_object(text).ok()?;
        let defaults = TasksDraft::default();
        let editing = match o.get("editing") {
            None => None,
            Some(value) => {
                let e = Object::from_members(value.clone())?;
                Some(Editing {
                    task_id: e.string("task_id").ok()??,
                    title: e.string("title").ok()??,
                })
            }
        };
        Some(TasksDraft {
            list_id: o.string("list_id").ok()?,
            show_completed: o
                .bool("show_completed")
                .ok()?
                .unwrap_or(defaults.show_completed),
            show_hidden: o.bool("show_hidden").ok()?.unwrap_or(defaults.show_hidden),
            new_title: o.string("new_title").ok()?.unwrap_or_default(),
            editing,
        })
    }

    pub fn filter(&self) -> TaskFilter {
        TaskFilter {
            show_completed: self.show_completed,
            show_hidden: self.show_hidden,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editing {
    pub task_id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    /// The reason is in [`TasksState::failure`].
    Failed,
}

/// A task as shown: while a change is being saved, `before` holds the task as it was, to put
/// back if Google refuses the change.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub task: Task,
    pub before: Option<Task>,
}

impl Row {
    pub fn is_saving(&self) -> bool {
        self.before.is_some() || self.task.id.starts_with(PENDING_PREFIX)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TasksState {
    pub draft: TasksDraft,
    pub lists: Load<Vec<TaskList>>,
    pub rows: Load<Vec<Row>>,
    /// False when a list had more pages than the page budget allowed.
    pub complete: bool,
    /// A create is in flight (one at a time, so a double press cannot add a task twice).
    pub adding: bool,
    /// The last failure, shown until the next action.
    pub failure: Option<AppError>,
    /// The person tried to change something with read-only access.
    pub wants_write: bool,
    /// Bumped by each request for the task lists (Refresh).
    pub reloads: u64,
    /// Bumped by each load of tasks; an answer for an older load is dropped.
    pub generation: u64,
    /// Tasks removed from view while their deletion is saved, with where they were.
    deleting: Vec<(usize, Task)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TasksAction {
    Reload,
    ListsLoaded(Result<Listing<TaskList>, AppError>),
    Select(String),
    Filter(TaskFilter),
    TasksLoaded {
        generation: u64,
        result: Result<Listing<Task>, AppError>,
    },
    Type(String),
    Edit(Option<Editing>),
    WantWrite(bool),
    Adding {
        pending_id: String,
        title: String,
    },
    Added {
        pending_id: String,
        title: String,
        result: Result<Task, AppError>,
    },
    Changing {
        task_id: String,
        change: TaskChange,
    },
    Changed {
        task_id: String,
        change: TaskChange,
        result: Result<Task, AppError>,
    },
    Deleting {
        task_id: String,
    },
    Deleted {
        task_id: String,
        result: Result<(), AppError>,
    },
}

impl TasksState {
    pub fn new(draft: TasksDraft) -> Self {
        TasksState {
            draft,
            lists: Load::Loading,
            rows: Load::Loading,
            complete: true,
            adding: false,
            failure: None,
            wants_write: false,
            reloads: 0,
            generation: 0,
            deleting: Vec::new(),
        }
    }

    pub fn rows(&self) -> &[Row] {
        match &self.rows {
            Load::Ready(rows) => rows,
            _ => &[],
        }
    }

    pub fn row(&self, task_id: &str) -> Option<&Row> {
        self.rows().iter().find(|r| r.task.id == task_id)
    }

    /// The selected list, once the lists are known.
    pub fn list(&self) -> Option<&TaskList> {
        let Load::Ready(lists) = &self.lists else {
            return None;
        };
        let id = self.draft.list_id.as_deref()?;
        lists.iter().find(|l| l.id == id)
    }

    fn rows_mut(&mut self) -> Option<&mut Vec<Row>> {
        match &mut self.rows {
            Load::Ready(rows) => Some(rows),
            _ => None,
        }
    }

    fn row_mut(&mut self, task_id: &str) -> Option<&mut Row> {
        self.rows_mut()?.iter_mut().find(|r| r.task.id == task_id)
    }

    fn load_tasks(&mut self) {
        self.rows = Load::Loading;
        self.generation += 1;
        self.deleting.clear();
    }

    pub fn apply(mut self, action: TasksAction) -> Self {
        match action {
            TasksAction::Reload => {
                self.failure = None;
                self.lists = Load::Loading;
                self.rows = Load::Loading;
                self.reloads += 1;
            }
            TasksAction::ListsLoaded(Ok(listing)) => {
                let known = |id: &String| listing.items.iter().any(|l| &l.id == id);
                if !self.draft.list_id.as_ref().is_some_and(known) {
                    self.draft.list_id = listing.items.first().map(|l| l.id.clone());
                }
                self.complete = listing.complete;
                self.lists = Load::Ready(listing.items);
                self.load_tasks();
            }
            TasksAction::ListsLoaded(Err(error)) => {
                self.lists = Load::Failed;
                self.rows = Load::Failed;
                self.failure = Some(error);
            }
            TasksAction::Select(list_id) => {
                if self.draft.list_id.as_deref() != Some(&list_id) {
                    self.draft.list_id = Some(list_id);
                    self.draft.editing = None;
                    self.failure = None;
                    self.load_tasks();
                }
            }
            TasksAction::Filter(filter) => {
                self.draft.show_completed = filter.show_completed;
                self.draft.show_hidden = filter.show_hidden;
                self.load_tasks();
            }
            TasksAction::TasksLoaded { generation, .. } if generation != self.generation => {}
            TasksAction::TasksLoaded {
                result: Ok(listing),
                ..
            } => {
                self.complete = listing.complete;
                // Google's answer is in no display order: shown by parent, then position.
                self.rows = Load::Ready(
                    in_display_order(listing.items)
                        .into_iter()
                        .map(|task| Row { task, before: None })
                        .collect(),
                );
            }
            TasksAction::TasksLoaded {
                result: Err(error), ..
            } if list_unknown(&error) => {
                // Google answers 400 for a task list it does not know: the list was deleted
                // elsewhere. The lists are asked for again, which chooses another.
                let title = self.list().map(|l| l.title.clone()).unwrap_or_default();
                self.lists = Load::Loading;
                self.rows = Load::Loading;
                self.reloads += 1;
                self.failure = Some(AppError::TaskListGone(title));
            }
            TasksAction::TasksLoaded {
                result: Err(error), ..
            } => {
                self.rows = Load::Failed;
                self.failure = Some(error);
            }
            TasksAction::Type(title) => self.draft.new_title = title,
            TasksAction::Edit(editing) => self.draft.editing = editing,
            TasksAction::WantWrite(wants) => self.wants_write = wants,
            TasksAction::Adding { pending_id, title } => {
                self.adding = true;
                self.failure = None;
                let task = Task {
                    id: pending_id,
                    title,
                    notes: None,
                    status: Default::default(),
                    due: None,
                    hidden: false,
                    parent: None,
                    position: None,
                };
                // Where Google puts a task inserted without `parent` or `previous`: first.
                if let Some(rows) = self.rows_mut() {
                    rows.insert(0, Row { task, before: None });
                }
            }
            TasksAction::Added {
                pending_id,
                title,
                result,
            } => {
                self.adding = false;
                let mut pending = None;
                if let Some(rows) = self.rows_mut() {
                    pending = rows.iter().position(|r| r.task.id == pending_id);
                    if let Some(at) = pending {
                        rows.remove(at);
                    }
                }
                match result {
                    Ok(task) => {
                        if self.draft.new_title == title {
                            self.draft.new_title.clear();
                        }
                        // A reload may already have brought the new task in.
                        let shown = self.row(&task.id).is_some();
                        if let (Some(at), false, Some(rows)) = (pending, shown, self.rows_mut()) {
                            rows.insert(at, Row { task, before: None });
                        }
                    }
                    Err(error) => self.failure = Some(error),
                }
            }
            TasksAction::Changing { task_id, change } => {
                self.failure = None;
                if let Some(row) = self.row_mut(&task_id) {
                    row.before = Some(row.task.clone());
                    change.apply(&mut row.task);
                }
            }
            TasksAction::Changed {
                task_id,
                change,
                result,
            } => {
                let row = self.row_mut(&task_id);
                match result {
                    Ok(task) => {
                        if let Some(row) = row {
                            *row = Row { task, before: None };
                        }
                        if matches!(&self.draft.editing, Some(e) if e.task_id == task_id) {
                            self.draft.editing = None;
                        }
                    }
                    Err(error) => {
                        if let Some(row) = row {
                            if let Some(before) = row.before.take() {
                                row.task = before;
                            }
                        }
                        // The typed title stays in the editor, which opens again to show it.
                        if let TaskChange::Rename(title) = change {
                            self.draft.editing = Some(Editing { task_id, title });
                        }
                        self.failure = Some(error);
                    }
                }
            }
            TasksAction::Deleting { task_id } => {
                self.failure = None;
                if let Some(rows) = self.rows_mut() {
                    if let Some(at) = rows.iter().position(|r| r.task.id == task_id) {
                        let row = rows.remove(at);
                        self.deleting.push((at, row.task));
                    }
                }
            }
            TasksAction::Deleted { task_id, result } => {
                let Some(at) = self.deleting.iter().position(|(_, t)| t.id == task_id) else {
                    if let Err(error) = result {
                        self.failure = Some(error);
                    }
                    return self;
                };
                let (index, task) = self.deleting.remove(at);
                if let Err(error) = result {
                    let shown = self.row(&task_id).is_some();
                    if let (false, Some(rows)) = (shown, self.rows_mut()) {
                        let index = index.min(rows.len());
                        rows.insert(index, Row { task, before: None });
                    }
                    self.failure = Some(error);
                }
            }
        }
        self
    }
}

/// Google's answer for a task list it does not know: 400 to loading its tasks (no body is
/// sent, so nothing else of the request can be wrong).
fn list_unknown(error: &AppError) -> bool {
    matches!(
        error.api_failure(),
        Some((
            crate::error::ApiStep::ListTasks,
            crate::google::ApiError::Rejected { status: 400, .. }
        ))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiStep;
    use crate::google::tasks::TaskStatus;
    use crate::google::ApiError;

    fn task(id: &str, title: &str) -> Task {
        Task {
            id: id.into(),
            title: title.into(),
            notes: None,
            status: TaskStatus::NeedsAction,
            due: None,
            hidden: false,
            parent: None,
            position: None,
        }
    }

    fn listing<T>(items: Vec<T>) -> Listing<T> {
        Listing {
            items,
            complete: true,
        }
    }

    fn failure(step: ApiStep) -> AppError {
        AppError::from_api(
            step,
            ApiError::Server {
                status: 500,
                retry_after_ms: None,
            },
        )
    }

    /// Lists loaded, list "L" selected, tasks a and b shown.
    fn loaded() -> TasksState {
        let s = TasksState::new(TasksDraft::default()).apply(TasksAction::ListsLoaded(Ok(
            listing(vec![TaskList {
                id: "L".into(),
                title: "My Tasks".into(),
            }]),
        )));
        let generation = s.generation;
        s.apply(TasksAction::TasksLoaded {
            generation,
            result: Ok(listing(vec![task("a", "Alpha"), task("b", "Beta")])),
        })
    }

    fn titles(s: &TasksState) -> Vec<&str> {
        s.rows().iter().map(|r| r.task.title.as_str()).collect()
    }

    #[test]
    fn the_first_list_is_chosen_unless_the_remembered_one_still_exists() {
        let lists = || {
            Ok(listing(vec![
                TaskList {
                    id: "A".into(),
                    title: "A".into(),
                },
                TaskList {
                    id: "B".into(),
                    title: "B".into(),
                },
            ]))
        };
        let fresh = TasksState::new(TasksDraft::default()).apply(TasksAction::ListsLoaded(lists()));
        assert_eq!(fresh.draft.list_id.as_deref(), Some("A"));
        let remembered = TasksDraft {
            list_id: Some("B".into()),
            ..TasksDraft::default()
        };
        let s = TasksState::new(remembered).apply(TasksAction::ListsLoaded(lists()));
        assert_eq!(s.list().map(|l| l.id.as_str()), Some("B"));
        let gone = TasksDraft {
            list_id: Some("Z".into()),
            ..TasksDraft::default()
        };
        let s = TasksState::new(gone).apply(TasksAction::ListsLoaded(lists()));
        assert_eq!(s.draft.list_id.as_deref(), Some("A"));
    }

    #[test]
    fn loaded_tasks_are_shown_in_googles_order_whatever_order_they_came_in() {
        let s = TasksState::new(TasksDraft::default()).apply(TasksAction::ListsLoaded(Ok(
            listing(vec![TaskList {
                id: "L".into(),
                title: "My Tasks".into(),
            }]),
        )));
        let at = |id: &str, parent: Option<&str>, position: &str| Task {
            parent: parent.map(str::to_owned),
            position: Some(position.into()),
            ..task(id, id)
        };
        let generation = s.generation;
        let s = s.apply(TasksAction::TasksLoaded {
            generation,
            result: Ok(listing(vec![
                at("b", None, "00000000000000000001"),
                at("a1", Some("a"), "00000000000000000000"),
                at("a", None, "00000000000000000000"),
            ])),
        });
        assert_eq!(titles(&s), ["a", "a1", "b"]);
    }

    #[test]
    fn a_list_google_no_longer_knows_says_so_and_loads_the_lists_again() {
        let s = loaded();
        let (reloads, generation) = (s.reloads, s.generation);
        let gone = AppError::from_api(
            ApiStep::ListTasks,
            ApiError::Rejected {
                status: 400,
                message: "Invalid Value".into(),
            },
        );
        let s = s.apply(TasksAction::TasksLoaded {
            generation,
            result: Err(gone),
        });
        assert_eq!(s.reloads, reloads + 1, "the lists are asked for again");
        assert_eq!(
            (s.lists.clone(), s.rows.clone()),
            (Load::Loading, Load::Loading)
        );
        let said = s.failure.as_ref().unwrap();
        assert_eq!(said.code(), "task_list_gone");
        assert!(said.to_string().contains("“My Tasks”"), "{said}");
        // Any other failure to load is just that.
        let s = loaded();
        let generation = s.generation;
        let s = s.apply(TasksAction::TasksLoaded {
            generation,
            result: Err(failure(ApiStep::ListTasks)),
        });
        assert_eq!(s.rows, Load::Failed);
    }

    #[test]
    fn an_answer_for_an_older_load_is_dropped() {
        let s = loaded();
        let old = s.generation;
        let s = s.apply(TasksAction::Filter(TaskFilter {
            show_completed: false,
            show_hidden: false,
        }));
        let s = s.apply(TasksAction::TasksLoaded {
            generation: old,
            result: Ok(listing(vec![task("x", "Stale")])),
        });
        assert_eq!(s.rows, Load::Loading);
        assert!(!s.draft.show_completed);
    }

    #[test]
    fn a_create_shows_at_once_and_clears_the_title_only_when_saved() {
        let s = loaded().apply(TasksAction::Type("Buy milk".into()));
        let s = s.apply(TasksAction::Adding {
            pending_id: "pending:1".into(),
            title: "Buy milk".into(),
        });
        assert_eq!(titles(&s), ["Buy milk", "Alpha", "Beta"]);
        assert!(s.rows()[0].is_saving() && s.adding);
        assert_eq!(
            s.draft.new_title, "Buy milk",
            "typed text stays until Google has it"
        );
        let s = s.apply(TasksAction::Added {
            pending_id: "pending:1".into(),
            title: "Buy milk".into(),
            result: Ok(task("c", "Buy milk")),
        });
        assert_eq!(titles(&s), ["Buy milk", "Alpha", "Beta"]);
        assert_eq!(s.rows()[0].task.id, "c");
        assert!(!s.rows()[0].is_saving() && !s.adding);
        assert_eq!(s.draft.new_title, "");
    }

    #[test]
    fn a_failed_create_is_rolled_back_and_keeps_what_was_typed() {
        let s = loaded().apply(TasksAction::Type("Buy milk".into()));
        let s = s
            .apply(TasksAction::Adding {
                pending_id: "pending:1".into(),
                title: "Buy milk".into(),
            })
            .apply(TasksAction::Added {
                pending_id: "pending:1".into(),
                title: "Buy milk".into(),
                result: Err(failure(ApiStep::CreateTask)),
            });
        assert_eq!(titles(&s), ["Alpha", "Beta"]);
        assert_eq!(s.draft.new_title, "Buy milk");
        assert_eq!(s.failure.as_ref().map(AppError::code), Some("server_error"));
        assert!(!s.adding);
    }

    #[test]
    fn text_typed_while_a_create_is_saved_is_kept() {
        let s = loaded()
            .apply(TasksAction::Adding {
                pending_id: "pending:1".into(),
                title: "Buy milk".into(),
            })
            .apply(TasksAction::Type("Buy eggs".into()))
            .apply(TasksAction::Added {
                pending_id: "pending:1".into(),
                title: "Buy milk".into(),
                result: Ok(task("c", "Buy milk")),
            });
        assert_eq!(s.draft.new_title, "Buy eggs");
    }

    #[test]
    fn a_failed_completion_is_undone() {
        let s = loaded().apply(TasksAction::Changing {
            task_id: "a".into(),
            change: TaskChange::Complete,
        });
        assert!(s.row("a").unwrap().task.is_completed());
        assert!(s.row("a").unwrap().is_saving());
        let s = s.apply(TasksAction::Changed {
            task_id: "a".into(),
            change: TaskChange::Complete,
            result: Err(failure(ApiStep::CompleteTask)),
        });
        let row = s.row("a").unwrap();
        assert!(!row.task.is_completed() && !row.is_saving());
        assert!(s.failure.is_some());
    }

    #[test]
    fn a_confirmed_change_takes_googles_version() {
        let mut done = task("a", "Alpha");
        done.status = TaskStatus::Completed;
        let s = loaded()
            .apply(TasksAction::Changing {
                task_id: "a".into(),
                change: TaskChange::Complete,
            })
            .apply(TasksAction::Changed {
                task_id: "a".into(),
                change: TaskChange::Complete,
                result: Ok(done.clone()),
            });
        assert_eq!(
            s.row("a"),
            Some(&Row {
                task: done,
                before: None
            })
        );
    }

    #[test]
    fn a_failed_rename_restores_the_title_and_reopens_the_editor_with_the_typed_text() {
        let editing = Editing {
            task_id: "b".into(),
            title: "Beta two".into(),
        };
        let s = loaded().apply(TasksAction::Edit(Some(editing.clone())));
        let rename = TaskChange::Rename("Beta two".into());
        let s = s.apply(TasksAction::Changing {
            task_id: "b".into(),
            change: rename.clone(),
        });
        assert_eq!(s.row("b").unwrap().task.title, "Beta two");
        assert_eq!(s.draft.editing.as_ref(), Some(&editing), "kept until saved");
        let s = s.apply(TasksAction::Changed {
            task_id: "b".into(),
            change: rename,
            result: Err(failure(ApiStep::RenameTask)),
        });
        assert_eq!(s.row("b").unwrap().task.title, "Beta");
        assert_eq!(s.draft.editing, Some(editing));
    }

    #[test]
    fn a_saved_rename_closes_the_editor() {
        let rename = TaskChange::Rename("Beta two".into());
        let s = loaded()
            .apply(TasksAction::Edit(Some(Editing {
                task_id: "b".into(),
                title: "Beta two".into(),
            })))
            .apply(TasksAction::Changing {
                task_id: "b".into(),
                change: rename.clone(),
            })
            .apply(TasksAction::Changed {
                task_id: "b".into(),
                change: rename,
                result: Ok(task("b", "Beta two")),
            });
        assert_eq!(s.draft.editing, None);
        assert_eq!(titles(&s), ["Alpha", "Beta two"]);
    }

    #[test]
    fn a_failed_delete_puts_the_task_back_where_it_was() {
        let s = loaded().apply(TasksAction::Deleting {
            task_id: "a".into(),
        });
        assert_eq!(titles(&s), ["Beta"]);
        let s = s.apply(TasksAction::Deleted {
            task_id: "a".into(),
            result: Err(failure(ApiStep::DeleteTask)),
        });
        assert_eq!(titles(&s), ["Alpha", "Beta"]);
        assert!(s.failure.is_some());
    }

    #[test]
    fn a_confirmed_delete_stays_deleted() {
        let s = loaded()
            .apply(TasksAction::Deleting {
                task_id: "a".into(),
            })
            .apply(TasksAction::Deleted {
                task_id: "a".into(),
                result: Ok(()),
            });
        assert_eq!(titles(&s), ["Beta"]);
        assert!(s.failure.is_none());
    }

    #[test]
    fn a_rollback_never_duplicates_a_task_a_reload_brought_back() {
        let s = loaded().apply(TasksAction::Deleting {
            task_id: "a".into(),
        });
        let s = s.apply(TasksAction::Filter(TaskFilter {
            show_completed: true,
            show_hidden: true,
        }));
        let generation = s.generation;
        let s = s
            .apply(TasksAction::TasksLoaded {
                generation,
                result: Ok(listing(vec![task("a", "Alpha")])),
            })
            .apply(TasksAction::Deleted {
                task_id: "a".into(),
                result: Err(failure(ApiStep::DeleteTask)),
            });
        assert_eq!(titles(&s), ["Alpha"]);
        assert!(s.failure.is_some(), "the failure is still reported");
    }

    #[test]
    fn the_draft_reads_back_from_storage_with_defaults_for_missing_fields() {
        let draft = TasksDraft::from_json(r#"{"new_title":"x"}"#).unwrap();
        assert_eq!(draft.new_title, "x");
        assert!(draft.show_completed && !draft.show_hidden);
        let round = TasksDraft::from_json(&draft.to_json()).unwrap();
        assert_eq!(round, draft);
    }
}
