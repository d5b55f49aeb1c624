//! The inspector's "Try a request" as a reducer: what the person composed, whether it may go,
//! and what came back. The checks are the core's (`oauth::playground`); no browser and no I/O
//! here, so every refusal and offer is tested natively. `hooks::playground` sends the request
//! once the state says [`Phase::Sending`] and dispatches the answer.

use oauth::api::{check_answer, Answer, ApiError};
use oauth::playground::{check_reach, missing_scope, read, Composed, Draft, DraftProblem};
use oauth::scopes::GrantedScopes;
use seam::host::{CallAnswer, FeatureSession};
use std::rc::Rc;
use yew::Reducible;

/// Where the panel is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Editing,
    /// Not sent, and why (a draft that cannot go as it is, a URL the page's CSP refuses).
    Refused(DraftProblem),
    /// Not sent yet: the token has no scope the API needs. The person may ask for it or send
    /// anyway (to see the API's own refusal).
    ScopeMissing {
        request: Composed,
        scope: &'static str,
    },
    Sending(Composed),
    Answered {
        request: Composed,
        answer: CallAnswer,
    },
    /// No answer: the browser could not reach the server, or the sign-in module would not send.
    Failed {
        request: Composed,
        error: ApiError,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Playground {
    pub phase: Phase,
    /// How many changes there have been: each one is said once by the live region, even one
    /// word for word the same as the last.
    pub said: u32,
}

/// What the page knows when the person presses Send.
pub struct Context<'a> {
    pub session: &'a FeatureSession,
    /// The page's Content-Security-Policy meta tags.
    pub policies: &'a [String],
    pub page_origin: &'a str,
}

pub enum Action {
    /// Send was pressed with `draft`: read it, check it, and send it or say why not.
    Submit(DraftText, Rc<ContextOwned>),
    /// Send it even so (past a missing scope).
    SendAnyway,
    Answered(Result<CallAnswer, ApiError>),
    /// The person changed the draft: what was said about the last one no longer holds.
    Edited,
}

/// [`Context`], owned, to travel in an action.
pub struct ContextOwned {
    pub session: FeatureSession,
    pub policies: Vec<String>,
    pub page_origin: String,
}

/// The draft's texts, owned.
pub struct DraftText {
    pub method: String,
    pub url: String,
    pub headers: String,
    pub body: String,
}

impl Playground {
    /// Send pressed: the next phase.
    pub fn submit(&self, draft: &DraftText, context: &Context<'_>) -> Phase {
        let draft = Draft {
            method: &draft.method,
            url: &draft.url,
            headers: &draft.headers,
            body: &draft.body,
        };
        let request = match read(&draft)
            .and_then(|r| check_reach(&r, context.policies, context.page_origin).map(|()| r))
        {
            Ok(request) => request,
            Err(problem) => return Phase::Refused(problem),
        };
        let granted = GrantedScopes::from_list(context.session.granted_scopes.iter().cloned());
        match missing_scope(&request, &context.session.endpoints(), &granted) {
            Some(scope) => Phase::ScopeMissing { request, scope },
            None => Phase::Sending(request),
        }
    }

    /// The scope to offer after an answer: the one a 403 `insufficient_scope` names (or, when
    /// the browser hid its challenge, the one the page knows the API needs).
    pub fn offered_scope(&self, session: &FeatureSession) -> Option<String> {
        let Phase::Answered { request, answer } = &self.phase else {
            return None;
        };
        let header = |name: &str| {
            answer
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let read = Answer {
            status: answer.status,
            www_authenticate: header("www-authenticate"),
            retry_after: None,
            body: &answer.body,
        };
        match check_answer(&read, 0) {
            Err(ApiError::InsufficientScope { scopes }) => {
                scopes.into_iter().next().or_else(|| {
                    let granted = GrantedScopes::from_list(session.granted_scopes.iter().cloned());
                    missing_scope(request, &session.endpoints(), &granted).map(str::to_owned)
                })
            }
            _ => None,
        }
    }

    /// What the live region says of the phase, once per change.
    pub fn announcement(&self) -> String {
        match &self.phase {
            Phase::Editing => String::new(),
            Phase::Refused(problem) => format!("Not sent: {problem}"),
            Phase::ScopeMissing { scope, .. } => {
                format!("Not sent yet: the token lacks the scope {scope}.")
            }
            Phase::Sending(request) => {
                format!("Sending {} {}…", request.method.as_str(), request.url)
            }
            Phase::Answered { answer, .. } => {
                let kind = if oauth::playground::pretty_json(&answer.body).is_some() {
                    "JSON, "
                } else {
                    ""
                };
                format!(
                    "Answer: {} {}, {kind}{} characters.",
                    answer.status,
                    oauth::playground::reason_phrase(answer.status),
                    answer.body.chars().count()
                )
                .replace("  ", " ")
            }
            Phase::Failed { error, .. } => format!("No answer: {error}."),
        }
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let said = self.said + 1;
        let phase = match (action, &self.phase) {
            (Action::Submit(text, context), _) => self.submit(
                &text,
                &Context {
                    session: &context.session,
                    policies: &context.policies,
                    page_origin: &context.page_origin,
                },
            ),
            (Action::SendAnyway, Phase::ScopeMissing { request, .. }) => {
                Phase::Sending(request.clone())
            }
            (Action::Answered(result), Phase::Sending(request)) => match result {
                Ok(answer) => Phase::Answered {
                    request: request.clone(),
                    answer,
                },
                Err(error) => Phase::Failed {
                    request: request.clone(),
                    error,
                },
            },
            (Action::Edited, Phase::Refused(_) | Phase::ScopeMissing { .. }) => Phase::Editing,
            // Anything else does not apply to where the panel is (an answer to a request the
            // person has since replaced, a second press): nothing changes.
            _ => return self,
        };
        Rc::new(Playground { phase, said })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth::api::Method;
    use oauth::scopes::google;

    fn session(granted: &[&str]) -> FeatureSession {
        FeatureSession {
            granted_scopes: granted.iter().map(|s| s.to_string()).collect(),
            declined: Vec::new(),
            api_base: Some("http://127.0.0.1:8787".into()),
            userinfo_endpoint: "http://127.0.0.1:8787/oauth2/v3/userinfo".into(),
            tokeninfo_endpoint: Some("http://127.0.0.1:8787/tokeninfo".into()),
            google_apis: true,
        }
    }

    fn context(session: FeatureSession) -> Rc<ContextOwned> {
        Rc::new(ContextOwned {
            session,
            policies: vec![
                "default-src 'none'; connect-src 'self' http://127.0.0.1:8787".to_owned(),
            ],
            page_origin: "http://127.0.0.1:8080".into(),
        })
    }

    fn submit(
        state: Rc<Playground>,
        method: &'static str,
        url: &'static str,
        granted: &[&str],
    ) -> Rc<Playground> {
        let draft = DraftText {
            method: method.into(),
            url: url.into(),
            headers: String::new(),
            body: String::new(),
        };
        state.reduce(Action::Submit(draft, context(session(granted))))
    }

    const TASKS: &str = "http://127.0.0.1:8787/tasks/v1/users/@me/lists";

    fn answer(status: u16, headers: Vec<(String, String)>, body: &str) -> CallAnswer {
        CallAnswer {
            status,
            headers,
            body: body.into(),
        }
    }

    #[test]
    fn a_request_in_reach_is_sent_and_its_answer_kept() {
        let s = submit(
            Rc::default(),
            "GET",
            "http://127.0.0.1:8787/oauth2/v3/userinfo",
            &["openid"],
        );
        let Phase::Sending(request) = &s.phase else {
            panic!("{:?}", s.phase)
        };
        assert_eq!(request.method, Method::Get);
        let s = s.reduce(Action::Answered(Ok(answer(200, vec![], "{\"sub\":\"1\"}"))));
        assert!(matches!(s.phase, Phase::Answered { .. }));
        assert_eq!(s.said, 2);
        assert_eq!(s.announcement(), "Answer: 200 OK, JSON, 11 characters.");
    }

    #[test]
    fn a_url_the_csp_refuses_is_not_sent_and_the_refusal_names_connect_src() {
        let s = submit(Rc::default(), "GET", "https://example.com/api", &["openid"]);
        assert_eq!(
            s.phase,
            Phase::Refused(DraftProblem::BlockedByCsp("https://example.com".into()))
        );
        assert!(s.announcement().contains("connect-src"));
        let s = s.reduce(Action::Edited);
        assert_eq!(s.phase, Phase::Editing);
    }

    #[test]
    fn a_missing_scope_is_named_and_the_request_waits_until_sent_anyway() {
        let s = submit(Rc::default(), "GET", TASKS, &["openid"]);
        let Phase::ScopeMissing { scope, .. } = &s.phase else {
            panic!("{:?}", s.phase)
        };
        assert_eq!(*scope, google::TASKS_READONLY);
        assert!(s.announcement().contains(google::TASKS_READONLY));
        let s = s.reduce(Action::SendAnyway);
        assert!(matches!(s.phase, Phase::Sending(_)));
        let granted = submit(Rc::default(), "GET", TASKS, &[google::TASKS_READONLY]);
        assert!(matches!(granted.phase, Phase::Sending(_)));
    }

    #[test]
    fn an_insufficient_scope_answer_offers_the_scope_it_names_or_the_one_the_api_needs() {
        let sent = submit(Rc::default(), "GET", TASKS, &["openid"]).reduce(Action::SendAnyway);
        let challenge = vec![(
            "www-authenticate".to_owned(),
            r#"Bearer error="insufficient_scope", scope="https://www.googleapis.com/auth/tasks""#
                .to_owned(),
        )];
        let body = r#"{"error":{"code":403,"errors":[{"reason":"insufficientPermissions"}]}}"#;
        let named = sent
            .clone()
            .reduce(Action::Answered(Ok(answer(403, challenge, body))));
        assert_eq!(
            named.offered_scope(&session(&["openid"])).as_deref(),
            Some(google::TASKS)
        );
        let hidden = sent.reduce(Action::Answered(Ok(answer(403, vec![], body))));
        assert_eq!(
            hidden.offered_scope(&session(&["openid"])).as_deref(),
            Some(google::TASKS_READONLY)
        );
        let fine = submit(Rc::default(), "GET", TASKS, &[google::TASKS])
            .reduce(Action::Answered(Ok(answer(200, vec![], "{}"))));
        assert_eq!(fine.offered_scope(&session(&[google::TASKS])), None);
    }

    #[test]
    fn no_answer_is_said_in_words_and_a_stale_answer_changes_nothing() {
        let s = submit(Rc::default(), "GET", TASKS, &[google::TASKS]).reduce(Action::Answered(
            Err(ApiError::Network("Failed to fetch".into())),
        ));
        assert!(matches!(s.phase, Phase::Failed { .. }));
        assert!(s
            .announcement()
            .starts_with("No answer: the server could not be reached"));
        let again = s
            .clone()
            .reduce(Action::Answered(Ok(answer(200, vec![], ""))));
        assert!(
            Rc::ptr_eq(&s, &again),
            "no request is waiting for an answer"
        );
        assert!(Rc::ptr_eq(&s, &s.clone().reduce(Action::SendAnyway)));
    }

    #[test]
    fn the_same_refusal_twice_counts_as_a_second_thing_to_say() {
        let first = submit(Rc::default(), "GET", "https://example.com/", &[]);
        let second = submit(first.clone(), "GET", "https://example.com/", &[]);
        assert_eq!(first.phase, second.phase);
        assert_eq!(second.said, first.said + 1);
        assert_eq!(Playground::default().announcement(), "");
    }
}
