//! Google's order of a task list. The Tasks API lists tasks in no display order: each task
//! carries its `position` among its siblings and a subtask its `parent`, and subtasks come back
//! flat beside the other tasks, on whichever page (Tasks API v1 reference, `Task.position`:
//! "String indicating the position of the task among its sibling tasks under the same parent
//! task or at the top level"; `Task.parent`). Shown as they arrive, a real list looks scrambled
//! and its subtasks float loose; in this order it looks as Google's own apps show it.

use super::tasks::Task;

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
