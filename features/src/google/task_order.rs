//! Google's order of a task list. The Tasks API lists tasks in no display order: each task
//! carries its `position` among its siblings and a subtask its `parent`, and subtasks come back
//! flat beside the other tasks, on whichever page (Tasks API v1 reference, `Task.position`:
//! "String indicating the position of the task among its sibling tasks under the same parent
//! task or at the top level"; `Task.parent`). Shown as they arrive, a real list looks scrambled
//! and its subtasks float loose; in this order it looks as Google's own apps show it.

use super::tasks::{Placement, Task};

/// The tasks in display order: top-level tasks by `position`, each followed by its subtasks by
/// `position`. Positions are compared as text, as Google's zero-padded decimal strings are
/// meant to be; a task without one (not yet saved) goes after its siblings that have one, and
/// equal positions keep the order they came in. A subtask whose parent is not among the tasks
/// (a completed parent left out by "show completed") is shown at the top level, after the
/// others, so that it stays in view.
pub fn in_display_order(tasks: Vec<Task>) -> Vec<Task> {
    let known = |id: &str| tasks.iter().any(|t| t.id == id);
    let (mut top, mut orphans, mut children) = (Vec::new(), Vec::new(), Vec::new());
    for task in &tasks {
        match task.parent.as_deref() {
            None => top.push(task.clone()),
            Some(parent) if known(parent) => children.push(task.clone()),
            Some(_) => orphans.push(task.clone()),
        }
    }
    by_position(&mut top);
    by_position(&mut orphans);
    by_position(&mut children);
    let mut shown = Vec::with_capacity(tasks.len());
    for task in top {
        let id = task.id.clone();
        shown.push(task);
        shown.extend(
            children
                .iter()
                .filter(|c| c.parent.as_deref() == Some(id.as_str()))
                .cloned(),
        );
    }
    shown.extend(orphans);
    shown
}

fn by_position(tasks: &mut [Task]) {
    // Stable: equal positions keep their order. `None` sorts after every position.
    tasks.sort_by(|a, b| match (&a.position, &b.position) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

impl AsRef<Task> for Task {
    fn as_ref(&self) -> &Task {
        self
    }
}

impl AsMut<Task> for Task {
    fn as_mut(&mut self) -> &mut Task {
        self
    }
}

/// A move the person asks for by keyboard or button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Before its previous sibling (Alt+ArrowUp).
    Up,
    /// After its next sibling (Alt+ArrowDown).
    Down,
    /// A subtask of the task above it, last among that task's subtasks (Alt+ArrowRight).
    Indent,
    /// Out to the top level, just after its parent and the parent's subtasks (Alt+ArrowLeft).
    Outdent,
}

/// Why a step cannot be taken, in words for the live region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    First,
    Last,
    NothingToIndentUnder,
    HasSubtasks,
    TopLevel,
    /// A subtask whose parent is not shown: its place among hidden siblings is unknown here.
    ParentNotShown,
}

impl Refusal {
    pub fn words(self) -> &'static str {
        match self {
            Refusal::First => "is already first",
            Refusal::Last => "is already last",
            Refusal::NothingToIndentUnder => "has no task above it at its level to become a subtask of",
            Refusal::HasSubtasks => "has subtasks of its own, so it cannot become a subtask (Google Tasks has one level)",
            Refusal::TopLevel => "is not a subtask",
            Refusal::ParentNotShown => "is a subtask of a task not shown, so it is moved where its parent is shown",
        }
    }
}

fn find<T: AsRef<Task>>(rows: &[T], id: &str) -> Option<usize> {
    rows.iter().position(|r| r.as_ref().id == id)
}

/// The parent a row is shown under: its `parent` if that task is shown, else none.
fn shown_parent<'r, T: AsRef<Task>>(rows: &'r [T], task: &'r Task) -> Option<&'r str> {
    task.parent.as_deref().filter(|p| find(rows, p).is_some())
}

/// The ids of the task's siblings (itself included), in order.
fn siblings<'r, T: AsRef<Task>>(rows: &'r [T], task: &Task) -> Vec<&'r str> {
    rows.iter()
        .map(AsRef::as_ref)
        .filter(|t| t.parent == task.parent)
        .map(|t| t.id.as_str())
        .collect()
}

/// The task and its subtasks, in order.
pub fn subtree<T: AsRef<Task>>(rows: &[T], id: &str) -> Vec<String> {
    rows.iter()
        .map(AsRef::as_ref)
        .filter(|t| t.id == id || t.parent.as_deref() == Some(id))
        .map(|t| t.id.clone())
        .collect()
}

/// Where the task is now.
pub fn placement<T: AsRef<Task>>(rows: &[T], id: &str) -> Option<Placement> {
    let task = rows[find(rows, id)?].as_ref();
    let group = siblings(rows, task);
    let at = group.iter().position(|s| *s == id)?;
    Some(Placement {
        parent: task.parent.clone(),
        previous: at.checked_sub(1).map(|i| group[i].to_owned()),
    })
}

/// Its place among its siblings, counted from 1, and how many there are: "2 of 5".
pub fn rank<T: AsRef<Task>>(rows: &[T], id: &str) -> Option<(usize, usize)> {
    let task = rows[find(rows, id)?].as_ref();
    let group = siblings(rows, task);
    Some((group.iter().position(|s| *s == id)? + 1, group.len()))
}

/// Where `step` would put the task, as `tasks.move` takes it.
pub fn stepped<T: AsRef<Task>>(rows: &[T], id: &str, step: Step) -> Result<Placement, Refusal> {
    let Some(task) = find(rows, id).map(|at| rows[at].as_ref()) else {
        return Err(Refusal::First);
    };
    if task.parent.is_some() && shown_parent(rows, task).is_none() {
        return Err(Refusal::ParentNotShown);
    }
    let group = siblings(rows, task);
    let at = group.iter().position(|s| *s == id).unwrap_or(0);
    let owned = |i: usize| Some(group[i].to_owned());
    match step {
        Step::Up if at == 0 => Err(Refusal::First),
        Step::Up => Ok(Placement {
            parent: task.parent.clone(),
            previous: at.checked_sub(2).and_then(owned),
        }),
        Step::Down if at + 1 == group.len() => Err(Refusal::Last),
        Step::Down => Ok(Placement {
            parent: task.parent.clone(),
            previous: owned(at + 1),
        }),
        Step::Indent if task.parent.is_some() || at == 0 => Err(Refusal::NothingToIndentUnder),
        Step::Indent if subtree(rows, id).len() > 1 => Err(Refusal::HasSubtasks),
        Step::Indent => {
            let parent = group[at - 1];
            let children = subtree(rows, parent);
            Ok(Placement {
                parent: Some(parent.to_owned()),
                previous: children.get(1..).and_then(|c| c.last().cloned()),
            })
        }
        Step::Outdent => match &task.parent {
            None => Err(Refusal::TopLevel),
            Some(parent) => Ok(Placement {
                parent: None,
                previous: Some(parent.clone()),
            }),
        },
    }
}

/// Where dropping the task on `target` puts it: just before `target`, among `target`'s
/// siblings. A task with subtasks dropped on a subtask goes before that subtask's parent (one
/// level). `None` when the drop would change nothing or put a task inside itself.
pub fn dropped_before<T: AsRef<Task>>(rows: &[T], id: &str, target: &str) -> Option<Placement> {
    let moving = rows[find(rows, id)?].as_ref();
    let mut target = rows[find(rows, target)?].as_ref();
    if target.parent.as_deref() == Some(id) || target.id == id {
        return None;
    }
    if target.parent.is_some() && subtree(rows, id).len() > 1 {
        target = rows[find(rows, target.parent.as_deref()?)?].as_ref();
    }
    // Its place once it is out of the way: just before the target among the others.
    let group: Vec<&str> = siblings(rows, target)
        .into_iter()
        .filter(|s| *s != id)
        .collect();
    let at = group.iter().position(|s| *s == target.id)?;
    let placement = Placement {
        parent: target.parent.clone(),
        previous: at.checked_sub(1).map(|i| group[i].to_owned()),
    };
    let unchanged = placement.parent == moving.parent
        && placement == self::placement(rows, id).unwrap_or_default();
    (!unchanged).then_some(placement)
}

/// Moves the task (and its subtasks) to `placement`, as Google will: first among its siblings
/// without `previous`, else just after `previous` and `previous`'s subtasks. A `previous` or
/// `parent` no longer shown counts as none.
pub fn place<T: AsRef<Task> + AsMut<Task>>(rows: &mut Vec<T>, id: &str, placement: &Placement) {
    let ids = subtree(rows, id);
    if ids.is_empty() {
        return;
    }
    let mut moving: Vec<T> = Vec::new();
    let mut kept: Vec<T> = Vec::new();
    for row in rows.drain(..) {
        if ids.contains(&row.as_ref().id) {
            moving.push(row);
        } else {
            kept.push(row);
        }
    }
    let parent = placement
        .parent
        .clone()
        .filter(|p| find(&kept, p).is_some());
    if let Some(task) = moving.iter_mut().find(|r| r.as_ref().id == id) {
        task.as_mut().parent = parent.clone();
    }
    let previous = placement.previous.as_deref().and_then(|p| find(&kept, p));
    let at = match (previous, &parent) {
        (Some(previous), _) => {
            let previous_id = kept[previous].as_ref().id.clone();
            let mut at = previous + 1;
            while at < kept.len() && kept[at].as_ref().parent.as_deref() == Some(&previous_id) {
                at += 1;
            }
            at
        }
        (None, Some(parent)) => find(&kept, parent).map_or(0, |p| p + 1),
        (None, None) => 0,
    };
    let tail = kept.split_off(at.min(kept.len()));
    kept.extend(moving);
    kept.extend(tail);
    *rows = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::google::tasks::TaskStatus;

    fn task(id: &str, parent: Option<&str>, position: Option<u32>) -> Task {
        Task {
            id: id.into(),
            title: id.into(),
            notes: None,
            status: TaskStatus::NeedsAction,
            due: None,
            hidden: false,
            parent: parent.map(str::to_owned),
            position: position.map(|p| format!("{p:020}")),
        }
    }

    fn ids(tasks: &[Task]) -> Vec<&str> {
        tasks.iter().map(|t| t.id.as_str()).collect()
    }

    /// draft [translate, note-g], punch, reply: the seeded list in display order.
    fn seeded() -> Vec<Task> {
        in_display_order(vec![
            task("draft", None, Some(0)),
            task("translate", Some("draft"), Some(0)),
            task("note-g", Some("draft"), Some(1)),
            task("punch", None, Some(1)),
            task("reply", None, Some(2)),
        ])
    }

    fn at(parent: Option<&str>, previous: Option<&str>) -> Placement {
        Placement {
            parent: parent.map(str::to_owned),
            previous: previous.map(str::to_owned),
        }
    }

    fn moved(mut rows: Vec<Task>, id: &str, placement: &Placement) -> Vec<Task> {
        place(&mut rows, id, placement);
        rows
    }

    #[test]
    fn up_and_down_move_among_siblings_and_stop_at_the_ends() {
        let rows = seeded();
        assert_eq!(stepped(&rows, "punch", Step::Up), Ok(at(None, None)));
        assert_eq!(
            stepped(&rows, "reply", Step::Up),
            Ok(at(None, Some("draft")))
        );
        assert_eq!(
            stepped(&rows, "draft", Step::Down),
            Ok(at(None, Some("punch")))
        );
        assert_eq!(
            stepped(&rows, "translate", Step::Down),
            Ok(at(Some("draft"), Some("note-g")))
        );
        assert_eq!(stepped(&rows, "draft", Step::Up), Err(Refusal::First));
        assert_eq!(stepped(&rows, "reply", Step::Down), Err(Refusal::Last));
        assert_eq!(
            stepped(&rows, "note-g", Step::Down),
            Err(Refusal::Last),
            "within its parent"
        );
        let down = moved(rows.clone(), "draft", &at(None, Some("punch")));
        assert_eq!(
            ids(&down),
            ["punch", "draft", "translate", "note-g", "reply"],
            "subtasks go along"
        );
    }

    #[test]
    fn indent_goes_under_the_task_above_and_outdent_comes_back_after_the_parent() {
        let rows = seeded();
        let indent = stepped(&rows, "punch", Step::Indent).unwrap();
        assert_eq!(
            indent,
            at(Some("draft"), Some("note-g")),
            "last of the draft's subtasks"
        );
        let rows = moved(rows, "punch", &indent);
        assert_eq!(
            ids(&rows),
            ["draft", "translate", "note-g", "punch", "reply"]
        );
        assert_eq!(rows[3].parent.as_deref(), Some("draft"));
        assert_eq!(rank(&rows, "punch"), Some((3, 3)));
        let outdent = stepped(&rows, "translate", Step::Outdent).unwrap();
        assert_eq!(outdent, at(None, Some("draft")));
        let rows = moved(rows, "translate", &outdent);
        assert_eq!(
            ids(&rows),
            ["draft", "note-g", "punch", "translate", "reply"]
        );
        assert_eq!(rows[3].parent, None);
        assert_eq!(
            stepped(&rows, "draft", Step::Indent),
            Err(Refusal::NothingToIndentUnder)
        );
        assert_eq!(
            stepped(&rows, "translate", Step::Indent),
            Ok(at(Some("draft"), Some("punch")))
        );
        assert_eq!(
            stepped(&rows, "note-g", Step::Indent),
            Err(Refusal::NothingToIndentUnder),
            "already a subtask"
        );
        assert_eq!(
            stepped(&rows, "reply", Step::Outdent),
            Err(Refusal::TopLevel)
        );
        let with_subtasks = seeded();
        let mut rows = with_subtasks.clone();
        place(&mut rows, "draft", &at(None, Some("punch")));
        assert_eq!(
            stepped(&rows, "draft", Step::Indent),
            Err(Refusal::HasSubtasks)
        );
    }

    #[test]
    fn a_loose_subtask_is_not_moved_by_steps() {
        let rows = in_display_order(vec![
            task("a", None, Some(0)),
            task("loose", Some("gone"), Some(0)),
        ]);
        assert_eq!(
            stepped(&rows, "loose", Step::Up),
            Err(Refusal::ParentNotShown)
        );
    }

    #[test]
    fn dropping_puts_the_task_before_the_target_at_the_targets_level() {
        let rows = seeded();
        assert_eq!(
            dropped_before(&rows, "reply", "punch"),
            Some(at(None, Some("draft")))
        );
        assert_eq!(
            dropped_before(&rows, "reply", "note-g"),
            Some(at(Some("draft"), Some("translate")))
        );
        assert_eq!(
            dropped_before(&rows, "punch", "reply"),
            None,
            "already just before it"
        );
        assert_eq!(
            dropped_before(&rows, "draft", "translate"),
            None,
            "not inside itself"
        );
        assert_eq!(dropped_before(&rows, "draft", "draft"), None);
        let rows = moved(rows, "punch", &at(None, None));
        assert_eq!(
            ids(&rows),
            ["punch", "draft", "translate", "note-g", "reply"]
        );
        // A task with subtasks dropped on a subtask goes before that subtask's parent.
        let rows = moved(rows, "draft", &at(None, Some("reply")));
        assert_eq!(
            dropped_before(&rows, "draft", "punch"),
            Some(at(None, None))
        );
    }

    #[test]
    fn a_placement_whose_previous_is_gone_puts_the_task_first_among_its_siblings() {
        let rows = moved(seeded(), "reply", &at(Some("draft"), Some("nowhere")));
        assert_eq!(
            ids(&rows),
            ["draft", "reply", "translate", "note-g", "punch"]
        );
        let rows = moved(seeded(), "reply", &at(Some("gone"), None));
        assert_eq!(ids(&rows)[0], "reply", "an unknown parent is the top level");
        assert_eq!(rows[0].parent, None);
        assert_eq!(
            placement(&seeded(), "note-g"),
            Some(at(Some("draft"), Some("translate")))
        );
    }

    #[test]
    fn subtasks_follow_their_parent_and_siblings_go_by_position() {
        // As Google lists them: a subtask before its parent, positions out of order.
        let answer = vec![
            task("reply", None, Some(2)),
            task("note-g", Some("draft"), Some(1)),
            task("punch", None, Some(1)),
            task("draft", None, Some(0)),
            task("translate", Some("draft"), Some(0)),
        ];
        assert_eq!(
            ids(&in_display_order(answer)),
            ["draft", "translate", "note-g", "punch", "reply"]
        );
    }

    #[test]
    fn positions_compare_as_text_not_as_arrival() {
        let mut nine = task("nine", None, None);
        nine.position = Some("09999998269789060592".into());
        let answer = vec![
            nine,
            task("one", None, Some(1)),
            task("zero", None, Some(0)),
        ];
        assert_eq!(ids(&in_display_order(answer)), ["zero", "one", "nine"]);
    }

    #[test]
    fn a_subtask_whose_parent_is_not_shown_stays_in_view_at_the_end() {
        let answer = vec![
            task("loose", Some("completed-parent"), Some(0)),
            task("b", None, Some(1)),
            task("a", None, Some(0)),
        ];
        assert_eq!(ids(&in_display_order(answer)), ["a", "b", "loose"]);
    }

    #[test]
    fn unsaved_tasks_go_after_saved_siblings_and_ties_keep_their_order() {
        let answer = vec![
            task("new", None, None),
            task("x", None, Some(0)),
            task("y", None, Some(0)),
        ];
        assert_eq!(ids(&in_display_order(answer)), ["x", "y", "new"]);
        assert!(in_display_order(Vec::new()).is_empty());
    }
}
