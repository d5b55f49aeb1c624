//! Google Tasks API v1 (`https://tasks.googleapis.com/tasks/v1/…`): task lists and tasks, in
//! memory, per account, seeded on first use. Shapes, defaults and status codes follow Google's
//! reference: `items` is left out of an empty page, `showCompleted` defaults to true and
//! `showHidden` / `showDeleted` to false, a new task goes first among its siblings, DELETE
//! answers 204 and keeps the task (visible with `showDeleted=true`), an unknown task list is
//! 400 `Invalid Value` (jrupac/tasky#20 quotes Google's answer), an unknown task 404.
//!
//! **Order.** Google's answers list tasks in no display order: each task carries `position`
//! (its place among its siblings, a zero-padded decimal string, compared as text) and a
//! subtask its `parent`, and subtasks come back flat beside the other tasks
//! (developers.google.com/workspace/tasks/reference/rest/v1/tasks; reports:
//! taylorwilsdon/google_workspace_mcp#138 "returned in a different order than they are
//! displayed", home-assistant/core#103820 "siblings are sorted using the position string",
//! opatry/taskfolio#125 shows real positions `00000000000000000000`, `…01`, …). The emulator
//! answers in the order the tasks were made (BRO3886/gtasks#17 observes creation order) and
//! keeps the display order apart, so a client that shows tasks in the order they arrive looks
//! as scrambled here as against Google.

use crate::google_api::{page, segments, Query, Reply};
use crate::time::{self, DAY_MS};
use crate::tokens;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

pub const SERVICE: &str = "tasks.googleapis.com";
pub const TASKS: &str = "https://www.googleapis.com/auth/tasks";
pub const TASKS_READONLY: &str = "https://www.googleapis.com/auth/tasks.readonly";
/// Scopes that may read; only [`TASKS`] may write.
pub const READ_SCOPES: [&str; 2] = [TASKS, TASKS_READONLY];
pub const WRITE_SCOPES: [&str; 1] = [TASKS];

/// Google's limits: titles up to 1024 characters, notes up to 8192.
const MAX_TITLE: usize = 1024;
const MAX_NOTES: usize = 8192;

/// The scopes a request needs: reads with either, anything else only with full access.
pub fn scopes_for(method: &str) -> &'static [&'static str] {
    if method == "GET" {
        &READ_SCOPES
    } else {
        &WRITE_SCOPES
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Task {
    id: String,
    title: String,
    notes: Option<String>,
    completed: bool,
    /// Unix ms the task was completed.
    completed_at: Option<i64>,
    /// A date, stored as midnight UTC (Google keeps only the date of `due`).
    due: Option<i64>,
    /// Completed in Google's own apps: Google hides those unless `showHidden=true`.
    hidden: bool,
    deleted: bool,
    updated: i64,
    /// The task this one is a subtask of.
    parent: Option<String>,
}

impl Task {
    fn new(id: String, title: &str, now: i64) -> Task {
        Task {
            id,
            title: title.to_string(),
            notes: None,
            completed: false,
            completed_at: None,
            due: None,
            hidden: false,
            deleted: false,
            updated: now,
            parent: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TaskList {
    id: String,
    title: String,
    updated: i64,
    /// Every task, in the order it was made: the order Google's answers list them in.
    tasks: Vec<Task>,
    /// Task ids in display order: each top-level task followed by its subtasks.
    order: Vec<String>,
}

impl TaskList {
    fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }

    /// `position`: how many siblings (same parent, not deleted) come before the task, as
    /// Google's twenty-digit string.
    fn position(&self, id: &str) -> String {
        let parent = self.task(id).and_then(|t| t.parent.clone());
        let before = self
            .order
            .iter()
            .take_while(|other| other.as_str() != id)
            .filter_map(|other| self.task(other))
            .filter(|t| t.parent == parent && !t.deleted)
            .count();
        format!("{before:020}")
    }

    /// Puts `id` (already in `tasks`, with its `parent` set) where `previous` says: first among
    /// its siblings without one, else just after `previous` and its subtasks.
    fn place(&mut self, id: &str, previous: Option<&str>) {
        self.order.retain(|other| other != id);
        let parent = self.task(id).and_then(|t| t.parent.clone());
        let at = match (previous, &parent) {
            (None, None) => 0,
            (None, Some(parent)) => self.index(parent) + 1,
            (Some(previous), _) => {
                let mut at = self.index(previous) + 1;
                while at < self.order.len()
                    && self.task(&self.order[at]).and_then(|t| t.parent.as_deref())
                        == Some(previous)
                {
                    at += 1;
                }
                at
            }
        };
        self.order.insert(at, id.to_owned());
    }

    fn index(&self, id: &str) -> usize {
        self.order.iter().position(|o| o == id).unwrap_or(0)
    }

    /// `parent` and `previous` as `tasks.insert` and `tasks.move` take them: the parent must be
    /// a task of this list that is not hidden (and, as in Google's apps, a top-level one), the
    /// previous task a sibling under that parent, not hidden.
    fn check_place(&self, parent: Option<&str>, previous: Option<&str>) -> Result<(), Reply> {
        let usable = |id: &str| self.task(id).filter(|t| !t.deleted && !t.hidden);
        if let Some(parent) = parent {
            match usable(parent) {
                Some(p) if p.parent.is_none() => {}
                _ => return Err(Reply::bad_request("Invalid Value")),
            }
        }
        if let Some(previous) = previous {
            match usable(previous) {
                Some(v) if v.parent.as_deref() == parent => {}
                _ => return Err(Reply::bad_request("Invalid Value")),
            }
        }
        Ok(())
    }
}

/// Every account's lists, created from the seed when the account first calls the API.
#[derive(Debug, Default)]
pub struct TasksStore {
    accounts: HashMap<String, Vec<TaskList>>,
}

/// The request, as the handler needs it.
pub struct ApiRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub body: &'a [u8],
    pub base_url: &'a str,
    pub page_size_cap: Option<u32>,
}

impl TasksStore {
    /// Handles any request under `/tasks/v1/` for the account `sub` (already authorized).
    pub fn handle(&mut self, sub: &str, req: &ApiRequest<'_>) -> Reply {
        let now = time::now_ms();
        let lists = self
            .accounts
            .entry(sub.to_string())
            .or_insert_with(|| seed(now));
        let segs = segments(req.path);
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let query = Query::parse(req.query);
        let ctx = Links { base: req.base_url };
        // `@default` names the account's default list, the first one (Tasks API v1 reference).
        let list_id = |id: &str| -> String {
            match id {
                "@default" => lists.first().map(|l| l.id.clone()).unwrap_or_default(),
                id => id.to_owned(),
            }
        };
        match (req.method, segs.as_slice()) {
            ("GET", ["tasks", "v1", "users", "@me", "lists"]) => {
                let all: Vec<Value> = lists.iter().map(|l| ctx.list_json(l)).collect();
                paged("tasks#taskLists", &all, &query, req.page_size_cap)
            }
            ("POST", ["tasks", "v1", "users", "@me", "lists"]) => {
                insert_list(&ctx, lists, req.body, now)
            }
            (_, ["tasks", "v1", "users", "@me", "lists"]) => Reply::method_not_allowed("GET, POST"),
            (method, ["tasks", "v1", "users", "@me", "lists", id]) => {
                let id = list_id(id);
                let Some(at) = lists.iter().position(|l| l.id == id) else {
                    return unknown_list();
                };
                match method {
                    "GET" => Reply::ok(ctx.list_json(&lists[at])),
                    "PATCH" => rename_list(&ctx, &mut lists[at], req.body, now),
                    // The default list cannot be deleted (elementary/tasks#208; Google's apps
                    // offer no way to, and opatry/taskfolio#195 keeps `canDelete` false for it).
                    "DELETE" if at == 0 => Reply::bad_request("Invalid Value"),
                    "DELETE" => {
                        lists.remove(at);
                        Reply::no_content()
                    }
                    _ => Reply::method_not_allowed("GET, PATCH, DELETE"),
                }
            }
            (_, ["tasks", "v1", "users", "@me", "lists", ..]) => Reply::not_found(),
            ("POST", ["tasks", "v1", "lists", id, "clear"]) => {
                let id = list_id(id);
                match lists.iter_mut().find(|l| l.id == id) {
                    Some(list) => clear(list, now),
                    None => unknown_list(),
                }
            }
            ("POST", ["tasks", "v1", "lists", id, "tasks", task_id, "move"]) => {
                let (id, task_id) = (list_id(id), task_id.to_string());
                move_task(&ctx, lists, &id, &task_id, &query, now)
            }
            (method, ["tasks", "v1", "lists", id, "tasks", rest @ ..]) => {
                let id = list_id(id);
                let Some(list) = lists.iter_mut().find(|l| l.id == id) else {
                    return unknown_list();
                };
                match (method, rest) {
                    ("GET", []) => list_tasks(&ctx, list, &query, req.page_size_cap),
                    ("POST", []) => insert(&ctx, list, &query, req.body, now),
                    (_, []) => Reply::method_not_allowed("GET, POST"),
                    ("GET", [task_id]) => match list.task(task_id) {
                        Some(task) => Reply::ok(ctx.task_json(list, task)),
                        None => Reply::not_found(),
                    },
                    ("PATCH", [task_id]) => patch(&ctx, list, task_id, req.body, now),
                    ("DELETE", [task_id]) => delete(list, task_id, now),
                    (_, [_]) => Reply::method_not_allowed("GET, PATCH, DELETE"),
                    _ => Reply::not_found(),
                }
            }
            _ => Reply::not_found(),
        }
    }
}

/// Google's limit on a task list's title ("Maximum length allowed: 1024 characters").
const MAX_LIST_TITLE: usize = 1024;

/// The list's `title` from a `tasklists.insert` or `tasklists.patch` body.
fn list_title(body: &[u8]) -> Result<Option<String>, Reply> {
    let fields = object(body)?;
    match fields.get("title") {
        None => Ok(None),
        Some(Value::String(t)) if t.chars().count() > MAX_LIST_TITLE => Err(Reply::bad_request(
            &format!("Invalid value for title: longer than {MAX_LIST_TITLE} characters"),
        )),
        Some(Value::String(t)) => Ok(Some(t.clone())),
        Some(_) => Err(Reply::bad_request("Invalid value for title")),
    }
}

/// `tasklists.insert`: a new, empty list, after the others.
fn insert_list(ctx: &Links<'_>, lists: &mut Vec<TaskList>, body: &[u8], now: i64) -> Reply {
    let title = match list_title(body) {
        Ok(title) => title.unwrap_or_default(),
        Err(reply) => return reply,
    };
    let list = TaskList {
        id: tokens::random_string(22),
        title,
        updated: now,
        tasks: Vec::new(),
        order: Vec::new(),
    };
    let reply = Reply::ok(ctx.list_json(&list));
    lists.push(list);
    reply
}

/// `tasklists.patch`: the title is the one writable field.
fn rename_list(ctx: &Links<'_>, list: &mut TaskList, body: &[u8], now: i64) -> Reply {
    match list_title(body) {
        Ok(Some(title)) => {
            list.title = title;
            list.updated = now;
            Reply::ok(ctx.list_json(list))
        }
        Ok(None) => Reply::ok(ctx.list_json(list)),
        Err(reply) => reply,
    }
}

/// `tasks.clear`: "Clears all completed tasks from the specified task list. The affected tasks
/// will be marked as 'hidden' and no longer be returned by default" (reference); 204.
fn clear(list: &mut TaskList, now: i64) -> Reply {
    for task in list.tasks.iter_mut().filter(|t| t.completed && !t.deleted) {
        task.hidden = true;
        task.updated = now;
    }
    list.updated = now;
    Reply::no_content()
}

/// `tasks.move`: to another place in its list (`parent`, `previous`, as for insert), or with
/// `destinationTasklist` to another list, keeping its id. A task with subtasks takes them along
/// and cannot become a subtask itself (one level, as in Google's apps).
fn move_task(
    ctx: &Links<'_>,
    lists: &mut [TaskList],
    from: &str,
    task_id: &str,
    query: &Query,
    now: i64,
) -> Reply {
    let Some(source) = lists.iter().position(|l| l.id == from) else {
        return unknown_list();
    };
    let target = match query.get("destinationTasklist") {
        None => source,
        Some(to) => match lists.iter().position(|l| l.id == to) {
            Some(target) => target,
            None => return unknown_list(),
        },
    };
    if lists[source].task(task_id).is_none_or(|t| t.deleted) {
        return Reply::not_found();
    }
    let (parent, previous) = (query.get("parent"), query.get("previous"));
    if parent == Some(task_id) || previous == Some(task_id) {
        return Reply::bad_request("Invalid Value");
    }
    let has_subtasks = lists[source]
        .tasks
        .iter()
        .any(|t| t.parent.as_deref() == Some(task_id) && !t.deleted);
    if parent.is_some() && has_subtasks {
        return Reply::bad_request("Invalid Value");
    }
    if let Err(reply) = lists[target].check_place(parent, previous) {
        return reply;
    }
    // The task and its subtasks leave their place (and their list, for another list).
    let subtree: Vec<String> = lists[source]
        .order
        .iter()
        .filter(|id| {
            id.as_str() == task_id
                || lists[source].task(id).and_then(|t| t.parent.as_deref()) == Some(task_id)
        })
        .cloned()
        .collect();
    let mut moving: Vec<Task> = Vec::new();
    if target != source {
        let list = &mut lists[source];
        list.order.retain(|id| !subtree.contains(id));
        moving = list
            .tasks
            .iter()
            .filter(|t| subtree.contains(&t.id))
            .cloned()
            .collect();
        list.tasks.retain(|t| !subtree.contains(&t.id));
        list.updated = now;
    }
    let list = &mut lists[target];
    if target != source {
        list.tasks.extend(moving);
    } else {
        list.order.retain(|id| !subtree.contains(id));
    }
    let moved = list
        .tasks
        .iter_mut()
        .find(|t| t.id == task_id)
        .expect("moved in");
    moved.parent = parent.map(str::to_owned);
    moved.updated = now;
    list.order.push(task_id.to_owned());
    list.place(task_id, previous);
    let at = list.index(task_id) + 1;
    let subtasks = subtree.iter().filter(|id| id.as_str() != task_id).cloned();
    list.order.splice(at..at, subtasks);
    list.updated = now;
    Reply::ok(ctx.task_json(list, list.task(task_id).expect("moved")))
}

/// Google's answer for a task list id it does not know (jrupac/tasky#20: `HttpError 400 …
/// returned "Invalid Value"`), where a task id it does not know is a 404.
fn unknown_list() -> Reply {
    Reply::bad_request("Invalid Value")
}

fn paged(kind: &str, all: &[Value], query: &Query, cap: Option<u32>) -> Reply {
    // Google: maxResults defaults to 20, at most 100, for both lists and tasks.
    match page(all, query, 20, 100, cap) {
        Ok((items, next)) => {
            let mut body = json!({ "kind": kind, "etag": format!("\"{}\"", all.len()) });
            if !items.is_empty() {
                body["items"] = Value::Array(items);
            }
            if let Some(next) = next {
                body["nextPageToken"] = Value::String(next);
            }
            Reply::ok(body)
        }
        Err(reply) => reply,
    }
}

fn list_tasks(ctx: &Links<'_>, list: &TaskList, query: &Query, cap: Option<u32>) -> Reply {
    let flags = (|| {
        Ok::<_, Reply>((
            query.flag("showCompleted", true)?,
            query.flag("showHidden", false)?,
            query.flag("showDeleted", false)?,
        ))
    })();
    let (completed, hidden, deleted) = match flags {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let shown: Vec<Value> = list
        .tasks
        .iter()
        .filter(|t| (completed || !t.completed) && (hidden || !t.hidden) && (deleted || !t.deleted))
        .map(|t| ctx.task_json(list, t))
        .collect();
    paged("tasks#tasks", &shown, query, cap)
}

/// `tasks.insert`: `parent` and `previous` in the query say where (first among its siblings
/// without `previous`, at the top level without `parent`).
fn insert(ctx: &Links<'_>, list: &mut TaskList, query: &Query, body: &[u8], now: i64) -> Reply {
    let fields = match object(body) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let (parent, previous) = (query.get("parent"), query.get("previous"));
    if let Err(reply) = list.check_place(parent, previous) {
        return reply;
    }
    let mut task = Task::new(tokens::random_string(22), "", now);
    task.parent = parent.map(str::to_owned);
    if let Err(reply) = apply(&mut task, &fields, now) {
        return reply;
    }
    let id = task.id.clone();
    list.tasks.push(task);
    list.place(&id, previous);
    list.updated = now;
    Reply::ok(ctx.task_json(list, list.task(&id).expect("just added")))
}

fn patch(ctx: &Links<'_>, list: &mut TaskList, task_id: &str, body: &[u8], now: i64) -> Reply {
    let fields = match object(body) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let Some(task) = list.tasks.iter_mut().find(|t| t.id == task_id) else {
        return Reply::not_found();
    };
    // All or nothing: a bad field leaves the task as it was.
    let mut changed = task.clone();
    if let Err(reply) = apply(&mut changed, &fields, now) {
        return reply;
    }
    changed.updated = now;
    *task = changed;
    list.updated = now;
    Reply::ok(ctx.task_json(list, list.task(task_id).expect("just changed")))
}

/// Deletes a task and, as Google's apps do, its subtasks with it.
fn delete(list: &mut TaskList, task_id: &str, now: i64) -> Reply {
    if list.task(task_id).is_none() {
        return Reply::not_found();
    }
    for task in &mut list.tasks {
        if task.id == task_id || task.parent.as_deref() == Some(task_id) {
            task.deleted = true;
            task.updated = now;
        }
    }
    list.updated = now;
    Reply::no_content()
}

fn object(body: &[u8]) -> Result<Map<String, Value>, Reply> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Reply::bad_request(
            "Invalid JSON payload: expected an object.",
        )),
        Err(e) => Err(Reply::bad_request(&format!(
            "Invalid JSON payload received. {e}"
        ))),
    }
}

/// Applies the writable fields of a task resource; read-only ones (id, etag, …) are ignored,
/// as Google does.
fn apply(task: &mut Task, fields: &Map<String, Value>, now: i64) -> Result<(), Reply> {
    let text = |name: &str, max: usize| -> Result<Option<Option<String>>, Reply> {
        match fields.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(Some(s.clone()))),
            Some(Value::String(_)) => Err(Reply::bad_request(&format!(
                "Invalid value for {name}: longer than {max} characters"
            ))),
            Some(_) => Err(Reply::bad_request(&format!("Invalid value for {name}"))),
        }
    };
    if let Some(title) = text("title", MAX_TITLE)? {
        task.title = title.unwrap_or_default();
    }
    if let Some(notes) = text("notes", MAX_NOTES)? {
        task.notes = notes.filter(|n| !n.is_empty());
    }
    if let Some(due) = text("due", 64)? {
        task.due = match due {
            None => None,
            Some(d) => match time::parse_rfc3339(&d) {
                Some(ms) => Some(ms.div_euclid(DAY_MS) * DAY_MS),
                None => return Err(Reply::bad_request(&format!("Invalid value for due: {d}"))),
            },
        };
    }
    match fields.get("status") {
        None => {}
        // Completing a completed task keeps the time it was first completed.
        Some(Value::String(s)) if s == "completed" && task.completed => {}
        Some(Value::String(s)) if s == "completed" => {
            task.completed = true;
            task.completed_at = Some(now);
        }
        Some(Value::String(s)) if s == "needsAction" => {
            task.completed = false;
            task.completed_at = None;
            task.hidden = false;
        }
        Some(other) => {
            return Err(Reply::bad_request(&format!(
                "Invalid value for status: {other}"
            )))
        }
    }
    Ok(())
}

/// Builds resource JSON with `selfLink`s on this emulator.
struct Links<'a> {
    base: &'a str,
}

impl Links<'_> {
    fn list_json(&self, list: &TaskList) -> Value {
        json!({
            "kind": "tasks#taskList",
            "id": list.id,
            "etag": format!("\"{}\"", list.updated),
            "title": list.title,
            "updated": time::rfc3339(list.updated),
            "selfLink": format!("{}/tasks/v1/users/@me/lists/{}", self.base, list.id),
        })
    }

    fn task_json(&self, list: &TaskList, task: &Task) -> Value {
        let list_id = &list.id;
        let mut v = json!({
            "kind": "tasks#task",
            "id": task.id,
            "etag": format!("\"{}\"", task.updated),
            "title": task.title,
            "updated": time::rfc3339(task.updated),
            "selfLink": format!("{}/tasks/v1/lists/{list_id}/tasks/{}", self.base, task.id),
            "position": list.position(&task.id),
            "status": if task.completed { "completed" } else { "needsAction" },
            "links": [],
            "webViewLink": format!("https://tasks.google.com/task/{}", task.id),
        });
        if let Some(parent) = &task.parent {
            v["parent"] = json!(parent);
        }
        if let Some(notes) = &task.notes {
            v["notes"] = json!(notes);
        }
        if let Some(due) = task.due {
            v["due"] = json!(time::rfc3339(due));
        }
        if let Some(at) = task.completed_at {
            v["completed"] = json!(time::rfc3339(at));
        }
        if task.hidden {
            v["hidden"] = json!(true);
        }
        if task.deleted {
            v["deleted"] = json!(true);
        }
        v
    }
}

/// Two lists: open, completed and one hidden (completed in Google's own app) task, and a task
/// with two subtasks. The tasks are made in another order than they are shown in, so answers
/// list them out of display order, with the subtasks apart from their parent, as Google's do.
fn seed(now: i64) -> Vec<TaskList> {
    let task = |title: &str, completed: bool, hidden: bool| Task {
        completed,
        completed_at: completed.then_some(now - DAY_MS),
        hidden,
        ..Task::new(tokens::random_string(22), title, now - DAY_MS)
    };
    let mut notes = task("Draft the notes on the Analytical Engine", false, false);
    notes.notes = Some("Note G: computing Bernoulli numbers".into());
    notes.due = Some((now + 3 * DAY_MS).div_euclid(DAY_MS) * DAY_MS);
    let subtask = |title: &str| Task {
        parent: Some(notes.id.clone()),
        ..task(title, false, false)
    };
    let (translate, note_g) = (
        subtask("Translate Menabrea's paper"),
        subtask("Write Note G"),
    );
    let punch_cards = task("Order more punch cards", false, false);
    let reply = task("Reply to Charles", true, false);
    let library = task("Renew the library card", true, true);
    let list = |title: &str, shown: Vec<&Task>, made: Vec<&Task>| TaskList {
        id: tokens::random_string(22),
        title: title.to_string(),
        updated: now - DAY_MS,
        order: shown.iter().map(|t| t.id.clone()).collect(),
        tasks: made.into_iter().cloned().collect(),
    };
    let (stamps, umbrella) = (
        task("Buy stamps", false, false),
        task("Return the umbrella", false, false),
    );
    vec![
        list(
            "My Tasks",
            vec![&notes, &translate, &note_g, &punch_cards, &reply, &library],
            vec![&reply, &note_g, &punch_cards, &library, &notes, &translate],
        ),
        list(
            "Errands",
            vec![&stamps, &umbrella],
            vec![&umbrella, &stamps],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "1";
    const DRAFT: &str = "Draft the notes on the Analytical Engine";

    fn call(store: &mut TasksStore, method: &str, target: &str, body: &str) -> Reply {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        store.handle(
            SUB,
            &ApiRequest {
                method,
                path,
                query,
                body: body.as_bytes(),
                base_url: "http://127.0.0.1:1",
                page_size_cap: None,
            },
        )
    }

    fn body(r: &Reply) -> &Value {
        r.body.as_ref().expect("a JSON body")
    }

    fn items(r: &Reply) -> Vec<Value> {
        body(r)["items"].as_array().cloned().unwrap_or_default()
    }

    /// The titles in the order the answer lists them.
    fn titles(r: &Reply) -> Vec<String> {
        items(r)
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_string())
            .collect()
    }

    /// The titles in display order, worked out from `parent` and `position` alone as a client
    /// must: top-level tasks by position, each followed by its subtasks by position.
    fn shown(r: &Reply) -> Vec<String> {
        let all = items(r);
        let key = |t: &Value| t["position"].as_str().unwrap().to_string();
        let mut top: Vec<&Value> = all.iter().filter(|t| t.get("parent").is_none()).collect();
        top.sort_by_key(|t| key(t));
        let mut out = Vec::new();
        for t in top {
            out.push(t["title"].as_str().unwrap().to_string());
            let mut children: Vec<&Value> = all.iter().filter(|c| c["parent"] == t["id"]).collect();
            children.sort_by_key(|c| key(c));
            out.extend(
                children
                    .iter()
                    .map(|c| c["title"].as_str().unwrap().to_string()),
            );
        }
        out
    }

    fn id_of(r: &Reply, title: &str) -> String {
        items(r)
            .iter()
            .find(|t| t["title"] == title)
            .and_then(|t| t["id"].as_str())
            .unwrap()
            .to_string()
    }

    fn first_list(store: &mut TasksStore) -> String {
        let r = call(store, "GET", "/tasks/v1/users/@me/lists", "");
        body(&r)["items"][0]["id"].as_str().unwrap().to_string()
    }

    #[test]
    fn lists_are_seeded_per_account() {
        let mut store = TasksStore::default();
        let r = call(&mut store, "GET", "/tasks/v1/users/%40me/lists", "");
        assert_eq!(r.status, 200);
        assert_eq!(body(&r)["kind"], "tasks#taskLists");
        assert_eq!(titles(&r), ["My Tasks", "Errands"]);
        let other = store.handle(
            "2",
            &ApiRequest {
                method: "GET",
                path: "/tasks/v1/users/@me/lists",
                query: "",
                body: b"",
                base_url: "",
                page_size_cap: None,
            },
        );
        assert_ne!(body(&r)["items"][0]["id"], body(&other)["items"][0]["id"]);
    }

    #[test]
    fn answers_are_out_of_display_order_with_positions_and_parents_to_sort_by() {
        let mut store = TasksStore::default();
        let list = first_list(&mut store);
        let r = call(
            &mut store,
            "GET",
            &format!("/tasks/v1/lists/{list}/tasks"),
            "",
        );
        let expected = [
            DRAFT,
            "Translate Menabrea's paper",
            "Write Note G",
            "Order more punch cards",
            "Reply to Charles",
        ];
        assert_eq!(shown(&r), expected);
        assert_ne!(
            titles(&r),
            expected,
            "the answer itself is not in display order"
        );
        assert_eq!(
            titles(&r)[..2],
            ["Reply to Charles", "Write Note G"],
            "a subtask comes before its parent"
        );
        let draft = id_of(&r, DRAFT);
        for t in items(&r) {
            let position = t["position"].as_str().unwrap();
            assert_eq!(position.len(), 20, "{t}");
            assert!(position.bytes().all(|b| b.is_ascii_digit()));
        }
        let note_g = items(&r)
            .into_iter()
            .find(|t| t["title"] == "Write Note G")
            .unwrap();
        assert_eq!(note_g["parent"], draft.as_str());
        assert_eq!(note_g["position"], "00000000000000000001");
    }

    #[test]
    fn show_completed_and_show_hidden_filter_like_google() {
        let mut store = TasksStore::default();
        let list = first_list(&mut store);
        let path = format!("/tasks/v1/lists/{list}/tasks");
        let r = call(
            &mut store,
            "GET",
            &format!("{path}?showCompleted=false"),
            "",
        );
        assert_eq!(titles(&r).len(), 4);
        let r = call(&mut store, "GET", &format!("{path}?showHidden=true"), "");
        assert_eq!(titles(&r).len(), 6);
        assert_eq!(shown(&r)[5], "Renew the library card");
        let hidden = items(&r)
            .into_iter()
            .find(|t| t["title"] == "Renew the library card")
            .unwrap();
        assert_eq!(hidden["hidden"], true);
        let draft = items(&r).into_iter().find(|t| t["title"] == DRAFT).unwrap();
        assert_eq!(draft["notes"], "Note G: computing Bernoulli numbers");
        assert!(draft["due"].as_str().unwrap().ends_with("T00:00:00.000Z"));
        assert_eq!(
            call(&mut store, "GET", &format!("{path}?showHidden=maybe"), "").status,
            400
        );
    }

    #[test]
    fn insert_complete_reopen_rename_delete() {
        let mut store = TasksStore::default();
        let list = first_list(&mut store);
        let path = format!("/tasks/v1/lists/{list}/tasks");
        let r = call(
            &mut store,
            "POST",
            &path,
            r#"{"title":"Buy milk","id":"ignored"}"#,
        );
        assert_eq!(r.status, 200);
        let task = body(&r).clone();
        assert_eq!(task["status"], "needsAction");
        assert_eq!(
            task["position"], "00000000000000000000",
            "first among its siblings"
        );
        assert_ne!(task["id"], "ignored");
        let id = task["id"].as_str().unwrap();
        let all = call(&mut store, "GET", &path, "");
        assert_eq!(shown(&all)[0], "Buy milk");
        assert_eq!(
            titles(&all).last().unwrap(),
            "Buy milk",
            "listed last: made last"
        );

        let one = format!("{path}/{id}");
        let r = call(&mut store, "PATCH", &one, r#"{"status":"completed"}"#);
        assert_eq!(body(&r)["status"], "completed");
        assert!(body(&r)["completed"].is_string());
        let r = call(
            &mut store,
            "PATCH",
            &one,
            r#"{"status":"needsAction","completed":null}"#,
        );
        assert_eq!(body(&r)["status"], "needsAction");
        assert!(body(&r).get("completed").is_none());
        let r = call(&mut store, "PATCH", &one, r#"{"title":"Buy oat milk"}"#);
        assert_eq!(body(&r)["title"], "Buy oat milk");
        assert_eq!(
            body(&call(&mut store, "GET", &one, ""))["title"],
            "Buy oat milk"
        );

        let r = call(&mut store, "DELETE", &one, "");
        assert_eq!((r.status, r.body), (204, None));
        assert!(!titles(&call(&mut store, "GET", &path, "")).contains(&"Buy oat milk".into()));
        let r = call(&mut store, "GET", &format!("{path}?showDeleted=true"), "");
        assert!(titles(&r).contains(&"Buy oat milk".into()));
    }

    #[test]
    fn insert_places_a_task_under_a_parent_after_a_previous_sibling() {
        let mut store = TasksStore::default();
        let list = first_list(&mut store);
        let path = format!("/tasks/v1/lists/{list}/tasks");
        let all = call(&mut store, "GET", &path, "");
        let (draft, translate) = (
            id_of(&all, DRAFT),
            id_of(&all, "Translate Menabrea's paper"),
        );
        let r = call(
            &mut store,
            "POST",
            &format!("{path}?parent={draft}&previous={translate}"),
            r#"{"title":"Check the tables"}"#,
        );
        assert_eq!(r.status, 200);
        assert_eq!(body(&r)["parent"], draft.as_str());
        assert_eq!(body(&r)["position"], "00000000000000000001");
        let punch = id_of(&all, "Order more punch cards");
        call(
            &mut store,
            "POST",
            &format!("{path}?previous={draft}"),
            r#"{"title":"After the draft"}"#,
        );
        assert_eq!(
            shown(&call(&mut store, "GET", &path, "")),
            [
                DRAFT,
                "Translate Menabrea's paper",
                "Check the tables",
                "Write Note G",
                "After the draft",
                "Order more punch cards",
                "Reply to Charles",
            ]
        );
        for bad in [
            format!("{path}?parent=nope"),
            format!("{path}?previous=nope"),
            format!("{path}?parent={draft}&previous={punch}"),
            format!("{path}?parent={translate}"),
        ] {
            let r = call(&mut store, "POST", &bad, r#"{"title":"x"}"#);
            assert_eq!(r.status, 400, "{bad}");
            assert_eq!(body(&r)["error"]["message"], "Invalid Value");
        }
    }

    #[test]
    fn deleting_a_task_deletes_its_subtasks() {
        let mut store = TasksStore::default();
        let list = first_list(&mut store);
        let path = format!("/tasks/v1/lists/{list}/tasks");
        let draft = id_of(&call(&mut store, "GET", &path, ""), DRAFT);
        assert_eq!(
            call(&mut store, "DELETE", &format!("{path}/{draft}"), "").status,
            204
        );
        assert_eq!(
            shown(&call(&mut store, "GET", &path, "")),
            ["Order more punch cards", "Reply to Charles"]
        );
    }

    #[test]
    fn bad_input_is_refused_and_changes_nothing() {
        let mut store = TasksStore::default();
        let list = first_list(&mut store);
        let path = format!("/tasks/v1/lists/{list}/tasks");
        for bad in [
            "not json",
            "[1]",
            r#"{"status":"done"}"#,
            r#"{"title":5}"#,
            r#"{"due":"tomorrow"}"#,
        ] {
            let r = call(&mut store, "POST", &path, bad);
            assert_eq!(r.status, 400, "{bad}");
            assert_eq!(body(&r)["error"]["status"], "INVALID_ARGUMENT");
        }
        let long = format!(r#"{{"title":"{}"}}"#, "x".repeat(1025));
        assert_eq!(call(&mut store, "POST", &path, &long).status, 400);
        assert_eq!(titles(&call(&mut store, "GET", &path, "")).len(), 5);

        let id = id_of(&call(&mut store, "GET", &path, ""), DRAFT);
        let r = call(
            &mut store,
            "PATCH",
            &format!("{path}/{id}"),
            r#"{"title":"new","status":"x"}"#,
        );
        assert_eq!(r.status, 400);
        assert_eq!(
            body(&call(&mut store, "GET", &format!("{path}/{id}"), ""))["title"],
            DRAFT
        );
    }

    #[test]
    fn an_unknown_list_is_invalid_and_an_unknown_task_not_found() {
        let mut store = TasksStore::default();
        let list = first_list(&mut store);
        for target in [
            "/tasks/v1/lists/nope/tasks",
            "/tasks/v1/users/@me/lists/nope",
        ] {
            let r = call(&mut store, "GET", target, "");
            assert_eq!(r.status, 400, "{target}");
            assert_eq!(body(&r)["error"]["message"], "Invalid Value");
            assert_eq!(body(&r)["error"]["errors"][0]["reason"], "invalid");
        }
        let r = call(&mut store, "PATCH", "/tasks/v1/lists/nope/tasks/t", "{}");
        assert_eq!(r.status, 400);
        assert_eq!(
            call(
                &mut store,
                "PATCH",
                &format!("/tasks/v1/lists/{list}/tasks/nope"),
                "{}"
            )
            .status,
            404
        );
        assert_eq!(
            call(
                &mut store,
                "DELETE",
                &format!("/tasks/v1/lists/{list}/tasks/nope"),
                ""
            )
            .status,
            404
        );
        assert_eq!(
            call(
                &mut store,
                "PUT",
                &format!("/tasks/v1/lists/{list}/tasks"),
                ""
            )
            .status,
            405
        );
        assert_eq!(call(&mut store, "GET", "/tasks/v2/nope", "").status, 404);
    }

    #[test]
    fn empty_pages_leave_items_out_and_pages_chain() {
        let mut store = TasksStore::default();
        let lists = call(&mut store, "GET", "/tasks/v1/users/@me/lists", "");
        let errands = body(&lists)["items"][1]["id"].as_str().unwrap().to_string();
        let path = format!("/tasks/v1/lists/{errands}/tasks");
        let r = call(&mut store, "GET", &format!("{path}?maxResults=1"), "");
        assert_eq!(titles(&r), ["Return the umbrella"]);
        let token = body(&r)["nextPageToken"].as_str().unwrap().to_string();
        let r = call(
            &mut store,
            "GET",
            &format!("{path}?maxResults=1&pageToken={token}"),
            "",
        );
        assert_eq!(titles(&r), ["Buy stamps"]);
        assert!(body(&r).get("nextPageToken").is_none());
        let r = call(
            &mut store,
            "GET",
            &format!("{path}?showCompleted=false&showHidden=false&maxResults=5&pageToken=EAE2"),
            "",
        );
        assert!(
            body(&r).get("items").is_none(),
            "Google leaves out an empty items array"
        );
    }

    fn lists(store: &mut TasksStore) -> Reply {
        call(store, "GET", "/tasks/v1/users/@me/lists", "")
    }

    #[test]
    fn lists_are_made_renamed_and_deleted_but_not_the_default_one() {
        let mut store = TasksStore::default();
        let r = call(
            &mut store,
            "POST",
            "/tasks/v1/users/@me/lists",
            r#"{"title":"Trip"}"#,
        );
        assert_eq!(r.status, 200);
        assert_eq!(body(&r)["kind"], "tasks#taskList");
        let id = body(&r)["id"].as_str().unwrap().to_string();
        assert_eq!(titles(&lists(&mut store)), ["My Tasks", "Errands", "Trip"]);
        let one = format!("/tasks/v1/users/@me/lists/{id}");
        let r = call(&mut store, "PATCH", &one, r#"{"title":"Trip to Turin"}"#);
        assert_eq!(body(&r)["title"], "Trip to Turin");
        let long = format!(r#"{{"title":"{}"}}"#, "x".repeat(1025));
        assert_eq!(call(&mut store, "PATCH", &one, &long).status, 400);
        assert_eq!(
            call(&mut store, "POST", "/tasks/v1/users/@me/lists", "[]").status,
            400
        );
        assert!(items(&call(
            &mut store,
            "GET",
            &format!("/tasks/v1/lists/{id}/tasks"),
            ""
        ))
        .is_empty());
        assert_eq!(call(&mut store, "DELETE", &one, "").status, 204);
        assert_eq!(titles(&lists(&mut store)), ["My Tasks", "Errands"]);
        assert_eq!(
            call(&mut store, "GET", &one, "").status,
            400,
            "gone: unknown"
        );
        let default = first_list(&mut store);
        for target in [
            format!("/tasks/v1/users/@me/lists/{default}"),
            "/tasks/v1/users/@me/lists/@default".to_string(),
        ] {
            assert_eq!(
                call(&mut store, "DELETE", &target, "").status,
                400,
                "{target}"
            );
        }
        assert_eq!(
            body(&call(
                &mut store,
                "GET",
                "/tasks/v1/users/@me/lists/@default",
                ""
            ))["id"],
            default.as_str()
        );
    }

    #[test]
    fn clear_hides_the_completed_tasks() {
        let mut store = TasksStore::default();
        let list = first_list(&mut store);
        let r = call(
            &mut store,
            "POST",
            &format!("/tasks/v1/lists/{list}/clear"),
            "",
        );
        assert_eq!((r.status, r.body), (204, None));
        let path = format!("/tasks/v1/lists/{list}/tasks");
        assert!(!titles(&call(&mut store, "GET", &path, "")).contains(&"Reply to Charles".into()));
        let all = call(&mut store, "GET", &format!("{path}?showHidden=true"), "");
        let reply = items(&all)
            .into_iter()
            .find(|t| t["title"] == "Reply to Charles")
            .unwrap();
        assert_eq!(reply["hidden"], true);
        assert_eq!(
            call(&mut store, "POST", "/tasks/v1/lists/nope/clear", "").status,
            400
        );
    }

    #[test]
    fn move_reorders_indents_outdents_and_changes_lists() {
        let mut store = TasksStore::default();
        let list = first_list(&mut store);
        let path = format!("/tasks/v1/lists/{list}/tasks");
        let all = call(&mut store, "GET", &path, "");
        let id = |title: &str| id_of(&all, title);
        let (draft, punch, reply) = (
            id(DRAFT),
            id("Order more punch cards"),
            id("Reply to Charles"),
        );
        let mv = |store: &mut TasksStore, task: &str, query: &str| {
            call(store, "POST", &format!("{path}/{task}/move{query}"), "")
        };
        // Reorder: the punch cards first; the draft keeps its subtasks.
        let r = mv(&mut store, &punch, "");
        assert_eq!(
            (r.status, &body(&r)["position"]),
            (200, &json!("00000000000000000000"))
        );
        assert_eq!(
            shown(&call(&mut store, "GET", &path, "")),
            [
                "Order more punch cards",
                DRAFT,
                "Translate Menabrea's paper",
                "Write Note G",
                "Reply to Charles"
            ]
        );
        // Indent: the reply under the draft, after its last subtask.
        let note_g = id("Write Note G");
        let r = mv(
            &mut store,
            &reply,
            &format!("?parent={draft}&previous={note_g}"),
        );
        assert_eq!(body(&r)["parent"], draft.as_str());
        assert_eq!(body(&r)["position"], "00000000000000000002");
        // Outdent: back to the top level after the draft.
        let r = mv(&mut store, &reply, &format!("?previous={draft}"));
        assert!(body(&r).get("parent").is_none());
        assert_eq!(
            shown(&call(&mut store, "GET", &path, "")),
            [
                "Order more punch cards",
                DRAFT,
                "Translate Menabrea's paper",
                "Write Note G",
                "Reply to Charles"
            ]
        );
        // Refused: under itself, a task with subtasks under another, an unknown task or list.
        for (task, query) in [
            (draft.clone(), format!("?parent={draft}")),
            (draft.clone(), format!("?parent={punch}")),
            (punch.clone(), "?previous=nope".to_string()),
            (punch.clone(), "?destinationTasklist=nope".to_string()),
        ] {
            assert_eq!(mv(&mut store, &task, &query).status, 400, "{query}");
        }
        assert_eq!(mv(&mut store, "nope", "").status, 404);
        // To another list, with its subtasks, keeping the id.
        let errands = body(&lists(&mut store))["items"][1]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = mv(
            &mut store,
            &draft,
            &format!("?destinationTasklist={errands}"),
        );
        assert_eq!(
            (r.status, body(&r)["id"].as_str()),
            (200, Some(draft.as_str()))
        );
        assert_eq!(
            shown(&call(
                &mut store,
                "GET",
                &format!("/tasks/v1/lists/{errands}/tasks"),
                ""
            )),
            [
                DRAFT,
                "Translate Menabrea's paper",
                "Write Note G",
                "Buy stamps",
                "Return the umbrella"
            ]
        );
        assert_eq!(
            shown(&call(&mut store, "GET", &path, "")),
            ["Order more punch cards", "Reply to Charles"]
        );
    }

    #[test]
    fn reads_need_either_scope_and_writes_need_full_access() {
        assert_eq!(scopes_for("GET"), READ_SCOPES);
        for method in ["POST", "PATCH", "DELETE"] {
            assert_eq!(scopes_for(method), WRITE_SCOPES);
        }
    }
}
