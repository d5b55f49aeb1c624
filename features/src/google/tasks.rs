//! Google Tasks API v1: task lists and their tasks. Reads need `tasks.readonly` (or `tasks`),
//! writes need `tasks`; an insufficient-scope answer names the scope the call needed even when
//! the browser hides Google's challenge header.

use super::json_api::{call_json, list_all, Listing};
use super::url::{segment, with_query};
use oauth::api::{ApiError, Method};
use oauth::config::GOOGLE_TASKS_API;
use oauth::json::{object_of, FieldError, FromJson, Json, Object};
use oauth::scopes::TASKS_API;
use seam::host::{FeatureSession, Host};

/// Google's largest page for both lists and tasks.
const PAGE_SIZE: &str = "100";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskList {
    pub id: String,
    pub title: String,
}

impl FromJson for TaskList {
    fn from_json(value: &Json) -> Result<Self, FieldError> {
        let o = object_of(value, "task list")?;
        Ok(TaskList {
            id: Object::required("id", o.string("id")?)?,
            title: o.string("title")?.unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TaskStatus {
    #[default]
    NeedsAction,
    Completed,
}

impl TaskStatus {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::NeedsAction => "needsAction",
            TaskStatus::Completed => "completed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub notes: Option<String>,
    pub status: TaskStatus,
    /// RFC 3339; Google keeps only the date.
    pub due: Option<String>,
    /// Completed in one of Google's own apps (shown only with "show hidden").
    pub hidden: bool,
    /// The task this one is a subtask of.
    pub parent: Option<String>,
    /// Its place among its siblings, as Google orders them: a string compared as text
    /// (`"00000000000000000000"`, `…01`, …). `None` until Google has the task.
    pub position: Option<String>,
}

impl FromJson for Task {
    fn from_json(value: &Json) -> Result<Self, FieldError> {
        let o = object_of(value, "task")?;
        let status = match o.string("status")?.as_deref() {
            None | Some("needsAction") => TaskStatus::NeedsAction,
            Some("completed") => TaskStatus::Completed,
            Some(_) => {
                return Err(FieldError {
                    field: "status",
                    expected: "must be \"needsAction\" or \"completed\"",
                })
            }
        };
        Ok(Task {
            id: Object::required("id", o.string("id")?)?,
            title: o.string("title")?.unwrap_or_default(),
            notes: o.string("notes")?,
            status,
            due: o.string("due")?,
            hidden: o.bool("hidden")?.unwrap_or(false),
            parent: o.string("parent")?,
            position: o.string("position")?,
        })
    }
}

impl Task {
    pub fn is_completed(&self) -> bool {
        self.status == TaskStatus::Completed
    }
}

/// The list query's switches; Google's defaults are completed shown, hidden not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFilter {
    pub show_completed: bool,
    pub show_hidden: bool,
}

/// A change to one task, sent as a PATCH of just the fields it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskChange {
    Complete,
    /// Back to "needs action": Google wants `completed` cleared too.
    Reopen,
    Rename(String),
    /// Notes and the due date: each `Some` is sent (`Some(None)` clears it, as JSON `null`),
    /// each `None` left out, so the PATCH carries only what changed. A due date is the RFC 3339
    /// text of midnight UTC that day (see `task_dates`).
    Edit {
        notes: Option<Option<String>>,
        due: Option<Option<String>>,
    },
}

impl TaskChange {
    pub fn body(&self) -> String {
        let value = match self {
            TaskChange::Complete => Json::object([("status", Json::string("completed"))]),
            TaskChange::Reopen => Json::object([
                ("completed", Json::Null),
                ("status", Json::string("needsAction")),
            ]),
            TaskChange::Rename(title) => Json::object([("title", Json::string(title))]),
            TaskChange::Edit { notes, due } => {
                Json::object([("notes", notes), ("due", due)].into_iter().filter_map(
                    |(name, value)| {
                        value
                            .as_ref()
                            .map(|value| (name, Json::optional(value.as_deref())))
                    },
                ))
            }
        };
        value.to_text()
    }

    /// What the task looks like once the change is made, for showing it before Google answers.
    pub fn apply(&self, task: &mut Task) {
        match self {
            TaskChange::Complete => task.status = TaskStatus::Completed,
            TaskChange::Reopen => {
                task.status = TaskStatus::NeedsAction;
                task.hidden = false;
            }
            TaskChange::Rename(title) => task.title = title.clone(),
            TaskChange::Edit { notes, due } => {
                if let Some(notes) = notes {
                    task.notes = notes.clone().filter(|n| !n.is_empty());
                }
                if let Some(due) = due {
                    task.due = due.clone();
                }
            }
        }
    }
}

/// Where `tasks.move` (and `tasks.insert`) put a task: under `parent` (the top level without
/// one), just after its sibling `previous` (first among its siblings without one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    pub parent: Option<String>,
    pub previous: Option<String>,
}

pub fn task_lists_url(api: &FeatureSession, page_token: Option<&str>) -> String {
    let path = with_query(
        "/tasks/v1/users/@me/lists",
        &[("maxResults", Some(PAGE_SIZE)), ("pageToken", page_token)],
    );
    api.api_url(GOOGLE_TASKS_API, &path)
}

pub fn tasks_url(
    api: &FeatureSession,
    list_id: &str,
    filter: TaskFilter,
    page_token: Option<&str>,
) -> String {
    let flag = |on: bool| Some(if on { "true" } else { "false" });
    let path = with_query(
        &format!("/tasks/v1/lists/{}/tasks", segment(list_id)),
        &[
            ("showCompleted", flag(filter.show_completed)),
            ("showHidden", flag(filter.show_hidden)),
            ("maxResults", Some(PAGE_SIZE)),
            ("pageToken", page_token),
        ],
    );
    api.api_url(GOOGLE_TASKS_API, &path)
}

pub fn task_url(api: &FeatureSession, list_id: &str, task_id: &str) -> String {
    let path = format!(
        "/tasks/v1/lists/{}/tasks/{}",
        segment(list_id),
        segment(task_id)
    );
    api.api_url(GOOGLE_TASKS_API, &path)
}

fn reading(error: ApiError) -> ApiError {
    error.needing(TASKS_API.read_scope())
}

fn writing(error: ApiError) -> ApiError {
    error.needing(TASKS_API.write_scope().unwrap_or(TASKS_API.read_scope()))
}

pub async fn list_task_lists(
    host: &Host,
    api: &FeatureSession,
) -> Result<Listing<TaskList>, ApiError> {
    list_all(host, |page| task_lists_url(api, page))
        .await
        .map_err(reading)
}

pub async fn list_tasks(
    host: &Host,
    api: &FeatureSession,
    list_id: &str,
    filter: TaskFilter,
) -> Result<Listing<Task>, ApiError> {
    list_all(host, |page| tasks_url(api, list_id, filter, page))
        .await
        .map_err(reading)
}

/// Adds a task at the top of the list (where Google puts a task inserted without `previous`).
pub async fn insert_task(
    host: &Host,
    api: &FeatureSession,
    list_id: &str,
    title: &str,
) -> Result<Task, ApiError> {
    let url = new_task_url(api, list_id);
    let body = Json::object([("title", Json::string(title))]).to_text();
    call_json(host, Method::Post, &url, Some(body))
        .await
        .map_err(writing)
}

pub async fn update_task(
    host: &Host,
    api: &FeatureSession,
    list_id: &str,
    task_id: &str,
    change: &TaskChange,
) -> Result<Task, ApiError> {
    let url = task_url(api, list_id, task_id);
    call_json(host, Method::Patch, &url, Some(change.body()))
        .await
        .map_err(writing)
}

pub async fn delete_task(
    host: &Host,
    api: &FeatureSession,
    list_id: &str,
    task_id: &str,
) -> Result<(), ApiError> {
    let url = task_url(api, list_id, task_id);
    host.api(Method::Delete, &url, None)
        .await
        .map(|_| ())
        .map_err(writing)
}

/// `tasks.move`: to `placement` in its list, or with `destination` to the top of another list
/// (`destinationTasklist`), keeping its id. Google answers with the task where it now is.
pub async fn move_task(
    host: &Host,
    api: &FeatureSession,
    list_id: &str,
    task_id: &str,
    placement: &Placement,
    destination: Option<&str>,
) -> Result<Task, ApiError> {
    let path = with_query(
        &format!(
            "/tasks/v1/lists/{}/tasks/{}/move",
            segment(list_id),
            segment(task_id)
        ),
        &[
            ("parent", placement.parent.as_deref()),
            ("previous", placement.previous.as_deref()),
            ("destinationTasklist", destination),
        ],
    );
    let url = api.api_url(GOOGLE_TASKS_API, &path);
    call_json(host, Method::Post, &url, None)
        .await
        .map_err(writing)
}

/// `tasks.clear`: Google hides every completed task of the list (204).
pub async fn clear_completed(
    host: &Host,
    api: &FeatureSession,
    list_id: &str,
) -> Result<(), ApiError> {
    let path = format!("/tasks/v1/lists/{}/clear", segment(list_id));
    host.api(Method::Post, &api.api_url(GOOGLE_TASKS_API, &path), None)
        .await
        .map(|_| ())
        .map_err(writing)
}

fn list_url(api: &FeatureSession, list_id: Option<&str>) -> String {
    let path = match list_id {
        Some(id) => format!("/tasks/v1/users/@me/lists/{}", segment(id)),
        None => "/tasks/v1/users/@me/lists".to_owned(),
    };
    api.api_url(GOOGLE_TASKS_API, &path)
}

fn title_body(title: &str) -> Option<String> {
    Some(Json::object([("title", Json::string(title))]).to_text())
}

/// `tasklists.insert`: a new list, after the others.
pub async fn insert_list(
    host: &Host,
    api: &FeatureSession,
    title: &str,
) -> Result<TaskList, ApiError> {
    call_json(host, Method::Post, &list_url(api, None), title_body(title))
        .await
        .map_err(writing)
}

/// `tasklists.patch` of the title, its one writable field.
pub async fn rename_list(
    host: &Host,
    api: &FeatureSession,
    list_id: &str,
    title: &str,
) -> Result<TaskList, ApiError> {
    let url = list_url(api, Some(list_id));
    call_json(host, Method::Patch, &url, title_body(title))
        .await
        .map_err(writing)
}

/// `tasklists.delete`: the list and every task in it (204).
pub async fn delete_list(host: &Host, api: &FeatureSession, list_id: &str) -> Result<(), ApiError> {
    host.api(Method::Delete, &list_url(api, Some(list_id)), None)
        .await
        .map(|_| ())
        .map_err(writing)
}

/// How many tasks go with a list when it is deleted: all of them, completed and hidden too.
pub async fn count_tasks(
    host: &Host,
    api: &FeatureSession,
    list_id: &str,
) -> Result<Listing<Task>, ApiError> {
    let everything = TaskFilter {
        show_completed: true,
        show_hidden: true,
    };
    list_tasks(host, api, list_id, everything).await
}

fn new_task_url(api: &FeatureSession, list_id: &str) -> String {
    let path = format!("/tasks/v1/lists/{}/tasks", segment(list_id));
    api.api_url(GOOGLE_TASKS_API, &path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(api_base: Option<&str>) -> FeatureSession {
        FeatureSession {
            api_base: api_base.map(str::to_owned),
            ..FeatureSession::default()
        }
    }

    #[test]
    fn urls_are_googles_unless_api_base_stands_in() {
        let google = config(None);
        assert_eq!(
            task_lists_url(&google, None),
            "https://tasks.googleapis.com/tasks/v1/users/@me/lists?maxResults=100"
        );
        let local = config(Some("http://127.0.0.1:8787"));
        assert_eq!(
            tasks_url(
                &local,
                "L/1",
                TaskFilter {
                    show_completed: false,
                    show_hidden: true
                },
                Some("EAE2")
            ),
            "http://127.0.0.1:8787/tasks/v1/lists/L%2F1/tasks?showCompleted=false&showHidden=true&maxResults=100&pageToken=EAE2"
        );
        assert_eq!(
            task_url(&local, "L", "t?x"),
            "http://127.0.0.1:8787/tasks/v1/lists/L/tasks/t%3Fx"
        );
    }

    #[test]
    fn googles_task_resource_is_read_and_unknown_fields_ignored() {
        let task: Task = super::super::json_api::decode(
            r#"{"kind":"tasks#task","id":"t1","etag":"\"1\"","title":"Buy milk","updated":"2026-11-25T10:00:00.000Z","status":"completed","completed":"2026-11-25T10:00:00.000Z","hidden":true,"links":[]}"#,
        )
        .unwrap();
        assert!(task.is_completed());
        assert!(task.hidden);
        let sub: Task = super::super::json_api::decode(
            r#"{"id":"t3","parent":"t1","position":"00000000000000000001"}"#,
        )
        .unwrap();
        assert_eq!(sub.parent.as_deref(), Some("t1"));
        assert_eq!(sub.position.as_deref(), Some("00000000000000000001"));
        let bare: Task = super::super::json_api::decode(r#"{"id":"t2"}"#).unwrap();
        assert_eq!(bare.status, TaskStatus::NeedsAction);
        assert_eq!(bare.title, "");
    }

    #[test]
    fn changes_patch_only_their_fields() {
        assert_eq!(TaskChange::Complete.body(), r#"{"status":"completed"}"#);
        assert_eq!(
            TaskChange::Reopen.body(),
            r#"{"completed":null,"status":"needsAction"}"#
        );
        assert_eq!(
            TaskChange::Rename("Say \"hi\"".into()).body(),
            r#"{"title":"Say \"hi\""}"#
        );
        let due = "2026-12-05T00:00:00.000Z";
        assert_eq!(
            TaskChange::Edit {
                notes: None,
                due: Some(Some(due.into()))
            }
            .body(),
            format!(r#"{{"due":"{due}"}}"#),
            "only what changed"
        );
        assert_eq!(
            TaskChange::Edit {
                notes: Some(Some("Bring the tables".into())),
                due: Some(None)
            }
            .body(),
            r#"{"notes":"Bring the tables","due":null}"#,
            "a due date is cleared with null"
        );
    }

    #[test]
    fn changes_apply_locally_as_google_will() {
        let mut task: Task = super::super::json_api::decode(
            r#"{"id":"t","title":"a","status":"completed","hidden":true}"#,
        )
        .unwrap();
        TaskChange::Reopen.apply(&mut task);
        assert!(!task.is_completed() && !task.hidden);
        TaskChange::Rename("b".into()).apply(&mut task);
        TaskChange::Edit {
            notes: Some(Some("n".into())),
            due: Some(Some("2026-12-05T00:00:00.000Z".into())),
        }
        .apply(&mut task);
        assert_eq!(task.notes.as_deref(), Some("n"));
        TaskChange::Edit {
            notes: Some(Some(String::new())),
            due: Some(None),
        }
        .apply(&mut task);
        assert_eq!((task.notes.as_deref(), task.due.as_deref()), (None, None));
        TaskChange::Complete.apply(&mut task);
        assert_eq!((task.title.as_str(), task.is_completed()), ("b", true));
    }

    #[test]
    fn insufficient_scope_names_the_scope_the_call_needed() {
        let e = ApiError::InsufficientScope { scopes: vec![] };
        assert_eq!(
            writing(e.clone()),
            ApiError::InsufficientScope {
                scopes: vec![oauth::scopes::google::TASKS.into()]
            }
        );
        assert_eq!(
            reading(e),
            ApiError::InsufficientScope {
                scopes: vec![oauth::scopes::google::TASKS_READONLY.into()]
            }
        );
    }
}
