//! The Tasks view as a reducer: what is shown, what is being saved, and how each optimistic
//! change is undone when Google refuses it. No browser and no I/O here, so every rollback is
//! tested natively; `hooks::tasks` makes the calls and dispatches their outcomes.
//!
//! Typed text is never lost: a new task's title, a rename, a task's notes and due date and a
//! list's name stay in [`TasksDraft`] (which the hook mirrors to sessionStorage) until Google
//! confirms the save, so a failure, an expired session or a trip to Google's consent page leaves
//! them where they were.
//!
//! Moves (reordering, indenting, outdenting, another list) are optimistic too: the row moves at
//! once, as Google will move it (`task_order::place`), and goes back where it was if Google
//! refuses; each says what happened in [`TasksState::said`], for the view's live region.

use crate::google::json_api::Listing;
use crate::google::task_order::{self, in_display_order, Step};
use crate::google::tasks::{Placement, Task, TaskChange, TaskFilter, TaskList};
use oauth::json::{Json, Object};
use seam::error::AppError;

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
    /// A task's details being edited (notes, due date, its list), until Google has them.
    pub details: Option<Details>,
    /// A list being named or renamed, until Google has the name.
    pub list_form: Option<ListForm>,
}

/// The details form of one task: what the fields hold now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub task_id: String,
    pub notes: String,
    /// `YYYY-MM-DD`, or empty for no due date (a date input's value).
    pub due: String,
    /// The list it should be in: the current one, or another to move it to.
    pub list_id: String,
}

/// The list form: a new list's name, or a list's new name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListForm {
    New(String),
    Rename { list_id: String, title: String },
}

impl Default for TasksDraft {
    fn default() -> Self {
        TasksDraft {
            list_id: None,
            show_completed: true,
            show_hidden: false,
            new_title: String::new(),
            editing: None,
            details: None,
            list_form: None,
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
        let details = self.details.as_ref().map_or(Json::Null, |d| {
            Json::object([
                ("task_id", Json::string(&d.task_id)),
                ("notes", Json::string(&d.notes)),
                ("due", Json::string(&d.due)),
                ("list_id", Json::string(&d.list_id)),
            ])
        });
        let list_form = match &self.list_form {
            None => Json::Null,
            Some(ListForm::New(title)) => Json::object([("new", Json::string(title))]),
            Some(ListForm::Rename { list_id, title }) => Json::object([
                ("list_id", Json::string(list_id)),
                ("title", Json::string(title)),
            ]),
        };
        Json::object([
            ("list_id", Json::optional(self.list_id.as_deref())),
            ("show_completed", Json::Bool(self.show_completed)),
            ("show_hidden", Json::Bool(self.show_hidden)),
            ("new_title", Json::string(&self.new_title)),
            ("editing", editing),
            ("details", details),
            ("list_form", list_form),
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
        let member = |name| o.get(name).and_then(|v| Object::from_members(v.clone()));
        let details = member("details").and_then(|d| {
            Some(Details {
                task_id: d.string("task_id").ok()??,
                notes: d.string("notes").ok()??,
                due: d.string("due").ok()??,
                list_id: d.string("list_id").ok()??,
            })
        });
        let list_form = member("list_form").and_then(|f| match f.string("new").ok()? {
            Some(title) => Some(ListForm::New(title)),
            None => Some(ListForm::Rename {
                list_id: f.string("list_id").ok()??,
                title: f.string("title").ok()??,
            }),
        });
        Some(TasksDraft {
            list_id: o.string("list_id").ok()?,
            show_completed: o
                .bool("show_completed")
                .ok()?
                .unwrap_or(defaults.show_completed),
            show_hidden: o.bool("show_hidden").ok()?.unwrap_or(defaults.show_hidden),
            new_title: o.string("new_title").ok()?.unwrap_or_default(),
            editing,
            details,
            list_form,
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

impl AsRef<Task> for Row {
    fn as_ref(&self) -> &Task {
        &self.task
    }
}

impl AsMut<Task> for Row {
    fn as_mut(&mut self) -> &mut Task {
        &mut self.task
    }
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
    deleting: Vec<(usize, Vec<Task>)>,
    /// Tasks moved while Google has not confirmed it, with where they were.
    moves: Vec<(String, Placement)>,
    /// Tasks (with their subtasks) sent to another list, with where they were.
    away: Vec<(usize, Vec<Row>)>,
    /// The completed rows as they were before "Clear completed", with where they were.
    clearing: Vec<(usize, Row)>,
    /// List changes Google has not confirmed, with how to undo each.
    list_undo: Vec<ListUndo>,
    /// A list deletion waiting for the person to confirm it, with how many tasks go with it.
    pub confirm_delete: Option<DeleteConfirmation>,
    /// What the last move or refusal did, in words, for the view's live region.
    pub said: Option<String>,
    /// The task whose move handle should have focus, and a count that makes each request new.
    pub focus: Option<(String, u64)>,
    /// The task or list the last failure was about, by its title.
    pub failure_about: Option<String>,
}

/// A list the person asked to delete, and the count of tasks that go with it (`None` while it
/// is being counted; `Err` when Google could not say).
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteConfirmation {
    pub list_id: String,
    pub count: Option<Result<usize, ()>>,
}

#[derive(Debug, Clone, PartialEq)]
enum ListUndo {
    Created {
        pending_id: String,
    },
    Renamed {
        list_id: String,
        title: String,
    },
    Deleted {
        at: usize,
        list: TaskList,
        selected: bool,
    },
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
    /// The details form opened, typed in, or closed.
    Details(Option<Details>),
    /// A move Google is asked for: `step` by keyboard or button, `None` for a drop.
    Moving {
        task_id: String,
        to: Placement,
        step: Option<Step>,
    },
    Moved {
        task_id: String,
        result: Result<Task, AppError>,
    },
    /// A move that cannot be made, said in words.
    Refused(String),
    /// The task (and its subtasks) sent to the list named `to`.
    MovingAway {
        task_id: String,
        to: String,
    },
    MovedAway {
        task_id: String,
        result: Result<(), AppError>,
    },
    ClearingCompleted,
    ClearedCompleted(Result<(), AppError>),
    ListForm(Option<ListForm>),
    CreatingList {
        pending_id: String,
        title: String,
    },
    CreatedList {
        pending_id: String,
        result: Result<TaskList, AppError>,
    },
    RenamingList {
        list_id: String,
        title: String,
    },
    RenamedList {
        list_id: String,
        result: Result<TaskList, AppError>,
    },
    /// Asks to confirm deleting a list (`None`: the person kept it).
    ConfirmDelete(Option<String>),
    Counted {
        list_id: String,
        result: Result<usize, AppError>,
    },
    DeletingList {
        list_id: String,
    },
    DeletedList {
        list_id: String,
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
            moves: Vec::new(),
            away: Vec::new(),
            clearing: Vec::new(),
            list_undo: Vec::new(),
            confirm_delete: None,
            said: None,
            focus: None,
            failure_about: None,
        }
    }

    /// The lists, once known.
    pub fn lists(&self) -> &[TaskList] {
        match &self.lists {
            Load::Ready(lists) => lists,
            _ => &[],
        }
    }

    fn title_of(&self, task_id: &str) -> String {
        self.row(task_id)
            .map(|r| r.task.title.clone())
            .unwrap_or_default()
    }

    fn list_title(&self, list_id: &str) -> String {
        self.lists()
            .iter()
            .find(|l| l.id == list_id)
            .map(|l| l.title.clone())
            .unwrap_or_default()
    }

    fn fail(&mut self, error: AppError, about: String) {
        self.failure = Some(error);
        self.failure_about = Some(about);
    }

    /// Focus goes to the task's move handle (after a move, the row is a new element).
    fn focus_on(&mut self, task_id: &str) {
        let n = self.focus.as_ref().map_or(0, |(_, n)| n + 1);
        self.focus = Some((task_id.to_owned(), n));
    }

    /// Where the task is now, in words: "2 of 5", and under which task.
    fn whereabouts(&self, task_id: &str) -> String {
        let rows = self.rows();
        let (at, of) = task_order::rank(rows, task_id).unwrap_or((1, 1));
        match self.row(task_id).and_then(|r| r.task.parent.clone()) {
            Some(parent) => format!("{at} of {of} under “{}”", self.title_of(&parent)),
            None => format!("{at} of {of}"),
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
        self.moves.clear();
        self.away.clear();
        self.clearing.clear();
        self.focus = None;
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
                    Err(error) => self.fail(error, title),
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
                        let about = self.title_of(&task_id);
                        // The typed title stays in the editor, which opens again to show it.
                        if let TaskChange::Rename(title) = change {
                            self.draft.editing = Some(Editing { task_id, title });
                        }
                        self.fail(error, about);
                    }
                }
            }
            TasksAction::Deleting { task_id } => {
                self.failure = None;
                // Google deletes its subtasks with it.
                let ids = task_order::subtree(self.rows(), &task_id);
                if let Some(rows) = self.rows_mut() {
                    if let Some(at) = rows.iter().position(|r| r.task.id == task_id) {
                        let (gone, kept): (Vec<Row>, Vec<Row>) =
                            rows.drain(..).partition(|r| ids.contains(&r.task.id));
                        *rows = kept;
                        self.deleting
                            .push((at, gone.into_iter().map(|r| r.task).collect()));
                    }
                }
            }
            TasksAction::Deleted { task_id, result } => {
                let Some(at) = self
                    .deleting
                    .iter()
                    .position(|(_, t)| t.first().is_some_and(|t| t.id == task_id))
                else {
                    if let Err(error) = result {
                        self.failure = Some(error);
                    }
                    return self;
                };
                let (index, tasks) = self.deleting.remove(at);
                if let Err(error) = result {
                    let title = tasks[0].title.clone();
                    let shown = self.row(&task_id).is_some();
                    if let (false, Some(rows)) = (shown, self.rows_mut()) {
                        let index = index.min(rows.len());
                        let back = tasks.into_iter().map(|task| Row { task, before: None });
                        rows.splice(index..index, back);
                    }
                    self.fail(error, title);
                }
            }
            TasksAction::Details(details) => self.draft.details = details,
            TasksAction::Moving { task_id, to, step } => {
                self.failure = None;
                let Some(back) = task_order::placement(self.rows(), &task_id) else {
                    return self;
                };
                let title = self.title_of(&task_id);
                let was_parent = self.row(&task_id).and_then(|r| r.task.parent.clone());
                if let Some(rows) = self.rows_mut() {
                    task_order::place(rows, &task_id, &to);
                }
                self.moves.push((task_id.clone(), back));
                let now = self.whereabouts(&task_id);
                self.said = Some(match (step, &to.parent, was_parent) {
                    (Some(Step::Indent), Some(parent), _) => {
                        format!("“{title}” is now a subtask of “{}”.", self.title_of(parent))
                    }
                    (Some(Step::Outdent), _, Some(parent)) => format!(
                        "“{title}” is no longer a subtask of “{}”: {now}.",
                        self.title_of(&parent)
                    ),
                    (Some(Step::Up), ..) => format!("“{title}” moved up: {now}."),
                    (Some(Step::Down), ..) => format!("“{title}” moved down: {now}."),
                    _ => format!("“{title}” moved: {now}."),
                });
                self.focus_on(&task_id);
            }
            TasksAction::Moved { task_id, result } => {
                let back = self
                    .moves
                    .iter()
                    .position(|(id, _)| *id == task_id)
                    .map(|at| self.moves.remove(at).1);
                match result {
                    // Google's answer has its own position; the place shown is already right.
                    Ok(task) => {
                        if let Some(row) = self.row_mut(&task_id) {
                            row.task.parent = task.parent;
                            row.task.position = task.position;
                        }
                    }
                    Err(error) => {
                        let title = self.title_of(&task_id);
                        if let (Some(back), Some(rows)) = (back, self.rows_mut()) {
                            task_order::place(rows, &task_id, &back);
                        }
                        self.said = Some(format!("“{title}” is back where it was."));
                        self.fail(error, title);
                    }
                }
            }
            TasksAction::Refused(words) => self.said = Some(words),
            TasksAction::MovingAway { task_id, to } => {
                self.failure = None;
                let title = self.title_of(&task_id);
                let ids = task_order::subtree(self.rows(), &task_id);
                if let Some(rows) = self.rows_mut() {
                    if let Some(at) = rows.iter().position(|r| r.task.id == task_id) {
                        let (gone, kept): (Vec<Row>, Vec<Row>) =
                            rows.drain(..).partition(|r| ids.contains(&r.task.id));
                        *rows = kept;
                        self.away.push((at, gone));
                    }
                }
                self.said = Some(format!("“{title}” moved to the list “{to}”."));
            }
            TasksAction::MovedAway { task_id, result } => {
                let at = self
                    .away
                    .iter()
                    .position(|(_, rows)| rows.first().is_some_and(|r| r.task.id == task_id));
                let stashed = at.map(|at| self.away.remove(at));
                if let Err(error) = result {
                    let mut title = String::new();
                    if let (Some((at, gone)), Some(rows)) = (stashed, self.rows_mut()) {
                        title = gone[0].task.title.clone();
                        let at = at.min(rows.len());
                        rows.splice(at..at, gone);
                    }
                    self.said = Some(format!("“{title}” is back in this list."));
                    self.fail(error, title);
                } else if matches!(&self.draft.details, Some(d) if d.task_id == task_id) {
                    self.draft.details = None;
                }
            }
            TasksAction::ClearingCompleted => {
                self.failure = None;
                let show_hidden = self.draft.show_hidden;
                let mut stash = Vec::new();
                if let Some(rows) = self.rows_mut() {
                    for (at, row) in rows.iter().enumerate() {
                        if row.task.is_completed() && !row.task.hidden {
                            stash.push((at, row.clone()));
                        }
                    }
                    // Google marks them hidden: they stay in view only with "show hidden".
                    for row in rows.iter_mut() {
                        if row.task.is_completed() {
                            row.task.hidden = true;
                        }
                    }
                    if !show_hidden {
                        rows.retain(|r| !r.task.is_completed());
                    }
                }
                let n = stash.len();
                self.clearing = stash;
                self.said = Some(match n {
                    1 => "1 completed task cleared: Google hides it.".to_owned(),
                    n => format!("{n} completed tasks cleared: Google hides them."),
                });
            }
            TasksAction::ClearedCompleted(result) => {
                let stash = std::mem::take(&mut self.clearing);
                if let Err(error) = result {
                    if let Some(rows) = self.rows_mut() {
                        for (at, original) in stash {
                            match rows.iter().position(|r| r.task.id == original.task.id) {
                                Some(i) => rows[i] = original,
                                None => rows.insert(at.min(rows.len()), original),
                            }
                        }
                    }
                    self.said = Some("The completed tasks are back.".to_owned());
                    self.fail(error, String::new());
                }
            }
            TasksAction::ListForm(form) => self.draft.list_form = form,
            TasksAction::CreatingList { pending_id, title } => {
                self.failure = None;
                if let Load::Ready(lists) = &mut self.lists {
                    lists.push(TaskList {
                        id: pending_id.clone(),
                        title,
                    });
                }
                self.list_undo.push(ListUndo::Created { pending_id });
            }
            TasksAction::CreatedList { pending_id, result } => {
                self.list_undo.retain(
                    |u| !matches!(u, ListUndo::Created { pending_id: p } if *p == pending_id),
                );
                let title = self.list_title(&pending_id);
                if let Load::Ready(lists) = &mut self.lists {
                    lists.retain(|l| l.id != pending_id);
                }
                match result {
                    Ok(list) => {
                        if matches!(&self.draft.list_form, Some(ListForm::New(t)) if *t == list.title)
                        {
                            self.draft.list_form = None;
                        }
                        self.said = Some(format!("The list “{}” was made.", list.title));
                        let id = list.id.clone();
                        if let Load::Ready(lists) = &mut self.lists {
                            lists.push(list);
                        }
                        // The new list is the one shown.
                        self = self.apply(TasksAction::Select(id));
                    }
                    Err(error) => self.fail(error, title),
                }
            }
            TasksAction::RenamingList { list_id, title } => {
                self.failure = None;
                let old = self.list_title(&list_id);
                if let Load::Ready(lists) = &mut self.lists {
                    if let Some(list) = lists.iter_mut().find(|l| l.id == list_id) {
                        list.title = title;
                    }
                }
                self.list_undo.push(ListUndo::Renamed {
                    list_id,
                    title: old,
                });
            }
            TasksAction::RenamedList { list_id, result } => {
                let undo = self.list_undo.iter().position(
                    |u| matches!(u, ListUndo::Renamed { list_id: id, .. } if *id == list_id),
                );
                let old = undo.map(|at| self.list_undo.remove(at));
                match result {
                    Ok(list) => {
                        if matches!(&self.draft.list_form, Some(ListForm::Rename { list_id: id, title }) if *id == list_id && *title == list.title)
                        {
                            self.draft.list_form = None;
                        }
                        self.said = Some(format!("The list is now called “{}”.", list.title));
                    }
                    Err(error) => {
                        if let (Some(ListUndo::Renamed { title, .. }), Load::Ready(lists)) =
                            (old, &mut self.lists)
                        {
                            if let Some(list) = lists.iter_mut().find(|l| l.id == list_id) {
                                list.title = title.clone();
                            }
                            self.fail(error, title);
                        } else {
                            self.failure = Some(error);
                        }
                    }
                }
            }
            TasksAction::ConfirmDelete(list_id) => {
                self.confirm_delete = list_id.map(|list_id| DeleteConfirmation {
                    list_id,
                    count: None,
                });
            }
            TasksAction::Counted { list_id, result } => {
                if let Some(confirm) = &mut self.confirm_delete {
                    if confirm.list_id == list_id {
                        confirm.count = Some(result.map_err(|_| ()));
                    }
                }
            }
            TasksAction::DeletingList { list_id } => {
                self.failure = None;
                self.confirm_delete = None;
                let selected = self.draft.list_id.as_deref() == Some(list_id.as_str());
                let mut removed = None;
                if let Load::Ready(lists) = &mut self.lists {
                    if let Some(at) = lists.iter().position(|l| l.id == list_id) {
                        removed = Some((at, lists.remove(at)));
                    }
                }
                if let Some((at, list)) = removed {
                    self.said = Some(format!("The list “{}” was deleted.", list.title));
                    self.list_undo
                        .push(ListUndo::Deleted { at, list, selected });
                    // Another list is shown: the first that is left.
                    if let Some(first) = self.lists().first().map(|l| l.id.clone()) {
                        if selected {
                            self = self.apply(TasksAction::Select(first));
                        }
                    }
                }
            }
            TasksAction::DeletedList { list_id, result } => {
                let undo = self.list_undo.iter().position(
                    |u| matches!(u, ListUndo::Deleted { list, .. } if list.id == list_id),
                );
                let undo = undo.map(|at| self.list_undo.remove(at));
                if let Err(error) = result {
                    if let Some(ListUndo::Deleted { at, list, selected }) = undo {
                        let title = list.title.clone();
                        if let Load::Ready(lists) = &mut self.lists {
                            lists.insert(at.min(lists.len()), list);
                        }
                        if selected {
                            self = self.apply(TasksAction::Select(list_id));
                        }
                        self.said = Some(format!("The list “{title}” is back."));
                        self.fail(error, title);
                    } else {
                        self.failure = Some(error);
                    }
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
            seam::error::ApiStep::ListTasks,
            oauth::api::ApiError::Rejected { status: 400, .. }
        ))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::google::tasks::TaskStatus;
    use oauth::api::ApiError;
    use seam::error::ApiStep;

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

    // ---- issue 23: details, moves, lists, clear completed ----

    fn sub(id: &str, title: &str, parent: &str) -> Task {
        Task {
            parent: Some(parent.into()),
            ..task(id, title)
        }
    }

    /// Lists L ("My Tasks") and E ("Errands"); L shows draft [translate, note], punch, reply
    /// (reply completed).
    fn tree() -> TasksState {
        let s = TasksState::new(TasksDraft::default()).apply(TasksAction::ListsLoaded(Ok(
            listing(vec![
                TaskList {
                    id: "L".into(),
                    title: "My Tasks".into(),
                },
                TaskList {
                    id: "E".into(),
                    title: "Errands".into(),
                },
            ]),
        )));
        let mut reply = task("reply", "Reply");
        reply.status = TaskStatus::Completed;
        let generation = s.generation;
        let mut s = s.apply(TasksAction::TasksLoaded {
            generation,
            result: Ok(listing(vec![
                task("draft", "Draft"),
                sub("translate", "Translate", "draft"),
                sub("note", "Note G", "draft"),
                task("punch", "Punch cards"),
                reply,
            ])),
        });
        // No positions in these fixtures: keep the order given.
        s.rows = Load::Ready(
            ["draft", "translate", "note", "punch", "reply"]
                .iter()
                .map(|id| s.rows().iter().find(|r| r.task.id == *id).unwrap().clone())
                .collect(),
        );
        s
    }

    fn ids(s: &TasksState) -> Vec<&str> {
        s.rows().iter().map(|r| r.task.id.as_str()).collect()
    }

    fn moving(s: TasksState, id: &str, step: Step) -> TasksState {
        let to = task_order::stepped(s.rows(), id, step).unwrap();
        s.apply(TasksAction::Moving {
            task_id: id.into(),
            to,
            step: Some(step),
        })
    }

    #[test]
    fn a_move_shows_at_once_says_where_the_task_is_and_asks_for_focus_on_it() {
        let s = moving(tree(), "punch", Step::Up);
        assert_eq!(ids(&s), ["punch", "draft", "translate", "note", "reply"]);
        assert_eq!(s.said.as_deref(), Some("“Punch cards” moved up: 1 of 3."));
        assert_eq!(s.focus.as_ref().map(|(id, _)| id.as_str()), Some("punch"));
        let s = s.apply(TasksAction::Moved {
            task_id: "punch".into(),
            result: Ok(Task {
                position: Some("00000000000000000000".into()),
                ..task("punch", "Punch cards")
            }),
        });
        assert_eq!(ids(&s)[0], "punch");
        assert_eq!(
            s.row("punch").unwrap().task.position.as_deref(),
            Some("00000000000000000000"),
            "Google's position is kept"
        );
    }

    #[test]
    fn a_refused_move_goes_back_where_it_was_and_says_which_and_why() {
        let s = moving(tree(), "draft", Step::Down);
        assert_eq!(ids(&s), ["punch", "draft", "translate", "note", "reply"]);
        let s = s.apply(TasksAction::Moved {
            task_id: "draft".into(),
            result: Err(failure(ApiStep::MoveTask)),
        });
        assert_eq!(ids(&s), ["draft", "translate", "note", "punch", "reply"]);
        assert_eq!(s.said.as_deref(), Some("“Draft” is back where it was."));
        assert_eq!(s.failure_about.as_deref(), Some("Draft"));
        assert_eq!(s.failure.as_ref().map(AppError::code), Some("server_error"));
    }

    #[test]
    fn indenting_and_outdenting_say_under_which_task() {
        let s = moving(tree(), "punch", Step::Indent);
        assert_eq!(
            s.row("punch").unwrap().task.parent.as_deref(),
            Some("draft")
        );
        assert_eq!(
            s.said.as_deref(),
            Some("“Punch cards” is now a subtask of “Draft”.")
        );
        let s = moving(s, "translate", Step::Outdent);
        assert_eq!(s.row("translate").unwrap().task.parent, None);
        assert_eq!(
            s.said.as_deref(),
            Some("“Translate” is no longer a subtask of “Draft”: 2 of 3.")
        );
        assert_eq!(ids(&s), ["draft", "note", "punch", "translate", "reply"]);
        // Both refused: each goes back, the first sent last.
        let s = s
            .apply(TasksAction::Moved {
                task_id: "translate".into(),
                result: Err(failure(ApiStep::MoveTask)),
            })
            .apply(TasksAction::Moved {
                task_id: "punch".into(),
                result: Err(failure(ApiStep::MoveTask)),
            });
        assert_eq!(ids(&s), ["draft", "translate", "note", "punch", "reply"]);
        assert_eq!(s.row("punch").unwrap().task.parent, None);
    }

    #[test]
    fn a_move_that_cannot_be_made_is_only_said() {
        let s = tree().apply(TasksAction::Refused("“Draft” is already first.".into()));
        assert_eq!(ids(&s), ["draft", "translate", "note", "punch", "reply"]);
        assert_eq!(s.said.as_deref(), Some("“Draft” is already first."));
    }

    #[test]
    fn a_task_sent_to_another_list_leaves_with_its_subtasks_and_comes_back_if_refused() {
        let s = tree().apply(TasksAction::MovingAway {
            task_id: "draft".into(),
            to: "Errands".into(),
        });
        assert_eq!(ids(&s), ["punch", "reply"]);
        assert_eq!(
            s.said.as_deref(),
            Some("“Draft” moved to the list “Errands”.")
        );
        let refused = s.clone().apply(TasksAction::MovedAway {
            task_id: "draft".into(),
            result: Err(failure(ApiStep::MoveTaskToList)),
        });
        assert_eq!(
            ids(&refused),
            ["draft", "translate", "note", "punch", "reply"]
        );
        assert_eq!(refused.failure_about.as_deref(), Some("Draft"));
        let done = s.apply(TasksAction::MovedAway {
            task_id: "draft".into(),
            result: Ok(()),
        });
        assert_eq!(ids(&done), ["punch", "reply"]);
    }

    #[test]
    fn notes_and_a_due_date_show_at_once_and_a_refusal_keeps_the_form_as_typed() {
        let details = Details {
            task_id: "punch".into(),
            notes: "Two hundred".into(),
            due: "2026-12-05".into(),
            list_id: "L".into(),
        };
        let edit = TaskChange::Edit {
            notes: Some(Some("Two hundred".into())),
            due: Some(Some("2026-12-05T00:00:00.000Z".into())),
        };
        let s = tree()
            .apply(TasksAction::Details(Some(details.clone())))
            .apply(TasksAction::Changing {
                task_id: "punch".into(),
                change: edit.clone(),
            });
        let row = s.row("punch").unwrap();
        assert_eq!(row.task.notes.as_deref(), Some("Two hundred"));
        assert!(row.is_saving());
        let s = s.apply(TasksAction::Changed {
            task_id: "punch".into(),
            change: edit,
            result: Err(failure(ApiStep::EditTask)),
        });
        let row = s.row("punch").unwrap();
        assert_eq!((row.task.notes.clone(), row.task.due.clone()), (None, None));
        assert_eq!(s.draft.details, Some(details), "what was typed stays");
        assert_eq!(s.failure_about.as_deref(), Some("Punch cards"));
    }

    #[test]
    fn deleting_a_task_takes_its_subtasks_and_a_refusal_brings_them_all_back() {
        let s = tree().apply(TasksAction::Deleting {
            task_id: "draft".into(),
        });
        assert_eq!(ids(&s), ["punch", "reply"]);
        let s = s.apply(TasksAction::Deleted {
            task_id: "draft".into(),
            result: Err(failure(ApiStep::DeleteTask)),
        });
        assert_eq!(ids(&s), ["draft", "translate", "note", "punch", "reply"]);
    }

    #[test]
    fn clear_completed_hides_them_at_once_and_a_refusal_shows_them_again() {
        let s = tree().apply(TasksAction::ClearingCompleted);
        assert_eq!(ids(&s), ["draft", "translate", "note", "punch"]);
        assert_eq!(
            s.said.as_deref(),
            Some("1 completed task cleared: Google hides it.")
        );
        let back = s.clone().apply(TasksAction::ClearedCompleted(Err(failure(
            ApiStep::ClearCompleted,
        ))));
        assert_eq!(ids(&back), ["draft", "translate", "note", "punch", "reply"]);
        assert!(!back.row("reply").unwrap().task.hidden);
        let done = s.apply(TasksAction::ClearedCompleted(Ok(())));
        assert_eq!(ids(&done), ["draft", "translate", "note", "punch"]);
        // With "show hidden" on, they stay in view, marked hidden.
        let mut shown = tree();
        shown.draft.show_hidden = true;
        let shown = shown.apply(TasksAction::ClearingCompleted);
        assert!(shown.row("reply").unwrap().task.hidden);
    }

    fn list_titles(s: &TasksState) -> Vec<&str> {
        s.lists().iter().map(|l| l.title.as_str()).collect()
    }

    #[test]
    fn a_new_list_shows_at_once_and_is_chosen_once_google_has_it() {
        let s = tree()
            .apply(TasksAction::ListForm(Some(ListForm::New("Trip".into()))))
            .apply(TasksAction::CreatingList {
                pending_id: "pending:list-1".into(),
                title: "Trip".into(),
            });
        assert_eq!(list_titles(&s), ["My Tasks", "Errands", "Trip"]);
        assert_eq!(
            s.draft.list_id.as_deref(),
            Some("L"),
            "not chosen before Google has it"
        );
        let refused = s.clone().apply(TasksAction::CreatedList {
            pending_id: "pending:list-1".into(),
            result: Err(failure(ApiStep::CreateList)),
        });
        assert_eq!(list_titles(&refused), ["My Tasks", "Errands"]);
        assert_eq!(refused.draft.list_form, Some(ListForm::New("Trip".into())));
        assert_eq!(refused.failure_about.as_deref(), Some("Trip"));
        let made = s.apply(TasksAction::CreatedList {
            pending_id: "pending:list-1".into(),
            result: Ok(TaskList {
                id: "T".into(),
                title: "Trip".into(),
            }),
        });
        assert_eq!(made.draft.list_id.as_deref(), Some("T"));
        assert_eq!(made.draft.list_form, None);
        assert_eq!(made.rows, Load::Loading, "its tasks are loaded");
    }

    #[test]
    fn a_renamed_list_takes_its_old_name_back_if_google_refuses() {
        let s = tree().apply(TasksAction::RenamingList {
            list_id: "E".into(),
            title: "Shopping".into(),
        });
        assert_eq!(list_titles(&s), ["My Tasks", "Shopping"]);
        let s = s.apply(TasksAction::RenamedList {
            list_id: "E".into(),
            result: Err(failure(ApiStep::RenameList)),
        });
        assert_eq!(list_titles(&s), ["My Tasks", "Errands"]);
        assert_eq!(s.failure_about.as_deref(), Some("Errands"));
    }

    #[test]
    fn deleting_a_list_is_confirmed_with_its_count_and_a_refusal_brings_it_back_chosen() {
        let s = tree()
            .apply(TasksAction::Select("E".into()))
            .apply(TasksAction::ConfirmDelete(Some("E".into())));
        assert_eq!(
            s.confirm_delete.as_ref().unwrap().count,
            None,
            "being counted"
        );
        let s = s.apply(TasksAction::Counted {
            list_id: "E".into(),
            result: Ok(2),
        });
        assert_eq!(s.confirm_delete.as_ref().unwrap().count, Some(Ok(2)));
        let s = s.apply(TasksAction::DeletingList {
            list_id: "E".into(),
        });
        assert_eq!(list_titles(&s), ["My Tasks"]);
        assert_eq!(
            s.draft.list_id.as_deref(),
            Some("L"),
            "the first list left is shown"
        );
        assert_eq!(s.confirm_delete, None);
        let back = s.clone().apply(TasksAction::DeletedList {
            list_id: "E".into(),
            result: Err(failure(ApiStep::DeleteList)),
        });
        assert_eq!(list_titles(&back), ["My Tasks", "Errands"]);
        assert_eq!(back.draft.list_id.as_deref(), Some("E"));
        assert_eq!(back.failure_about.as_deref(), Some("Errands"));
        assert!(back.failure.is_some());
        let gone = s.apply(TasksAction::DeletedList {
            list_id: "E".into(),
            result: Ok(()),
        });
        assert_eq!(list_titles(&gone), ["My Tasks"]);
    }

    #[test]
    fn the_details_and_list_forms_survive_the_stored_draft() {
        let draft = TasksDraft {
            details: Some(Details {
                task_id: "t".into(),
                notes: "n".into(),
                due: "".into(),
                list_id: "E".into(),
            }),
            list_form: Some(ListForm::Rename {
                list_id: "E".into(),
                title: "Shopping".into(),
            }),
            ..TasksDraft::default()
        };
        assert_eq!(TasksDraft::from_json(&draft.to_json()), Some(draft.clone()));
        let new = TasksDraft {
            list_form: Some(ListForm::New("Trip".into())),
            ..draft
        };
        assert_eq!(TasksDraft::from_json(&new.to_json()), Some(new));
    }
}
