//! Keeping a session alive without a refresh token (the implicit grant has none, RFC 6749
//! §4.2.2): ask again with `prompt=none` in a popup, and fall back to an interactive request
//! when the authorization server says it needs the person.

use crate::error::AuthError;
use crate::json::{Json, ObjectWriter};
use crate::response::AuthorizationResponse;
use crate::session::Session;

/// The codes with which a `prompt=none` request says "not without the person": OIDC Core
/// §3.1.2.6's three, plus `access_denied` and the legacy `immediate_failed` seen from Google.
const NEEDS_INTERACTION: [&str; 5] = [
    "interaction_required",
    "login_required",
    "consent_required",
    "access_denied",
    "immediate_failed",
];

/// Whether a silent attempt's failure should be retried interactively.
pub fn needs_interaction(error: &AuthError) -> bool {
    matches!(error, AuthError::Provider(e) if NEEDS_INTERACTION.contains(&e.code.as_str()))
}

impl Session {
    /// Inside the last `lead_secs` of the token's life: time to renew or offer to.
    pub fn renewal_due(&self, now_ms: u64, lead_secs: u64) -> bool {
        !self.is_expired(now_ms) && self.seconds_left(now_ms) < lead_secs
    }
}

/// What travels between windows of this origin, by postMessage (popup → opener) or
/// BroadcastChannel (every tab). Anything else posted there is ignored.
/// On the wire: a JSON object whose `kind` names the message, the other members its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelMessage {
    /// A popup relays the raw fragment, so every check is made by the tab holding the pending
    /// state, never by the popup. `state` lets other tabs ignore it without touching theirs.
    AuthorizationResponse {
        state: Option<String>,
        fragment: String,
    },
    /// A tab signed out: every tab of the origin signs out too.
    SignedOut,
}

const RELAY_KIND: &str = "browser-oauth/authorization-response";
const SIGNED_OUT_KIND: &str = "browser-oauth/signed-out";

impl ChannelMessage {
    pub fn relay(fragment: &str) -> Self {
        let state = AuthorizationResponse::from_fragment(fragment)
            .ok()
            .and_then(|r| r.state().map(str::to_owned));
        ChannelMessage::AuthorizationResponse {
            state,
            fragment: fragment.to_owned(),
        }
    }

    pub fn to_json(&self) -> String {
        match self {
            ChannelMessage::AuthorizationResponse { state, fragment } => ObjectWriter::default()
                .string("kind", Some(RELAY_KIND))
                .string("state", state.as_deref())
                .string("fragment", Some(fragment))
                .finish(),
            ChannelMessage::SignedOut => ObjectWriter::default()
                .string("kind", Some(SIGNED_OUT_KIND))
                .finish(),
        }
    }

    pub fn from_json(text: &str) -> Option<Self> {
        let o = Json::parse_object(text).ok()?;
        match o.string("kind").ok()??.as_str() {
            RELAY_KIND => Some(ChannelMessage::AuthorizationResponse {
                state: o.string("state").ok()?,
                fragment: o.string("fragment").ok()??,
            }),
            SIGNED_OUT_KIND => Some(ChannelMessage::SignedOut),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ProviderError;
    use crate::scopes::GrantedScopes;

    fn provider(code: &str) -> AuthError {
        AuthError::Provider(ProviderError {
            code: code.into(),
            description: None,
            uri: None,
        })
    }

    #[test]
    fn interaction_codes_fall_back_to_an_interactive_request() {
        for code in NEEDS_INTERACTION {
            assert!(needs_interaction(&provider(code)), "{code}");
        }
    }

    #[test]
    fn other_failures_do_not_retry_interactively() {
        assert!(!needs_interaction(&provider("invalid_scope")));
        assert!(!needs_interaction(&AuthError::StateMismatch));
    }

    #[test]
    fn renewal_is_due_only_inside_the_lead_time() {
        let session = Session {
            access_token: "t".into(),
            expires_at_ms: 600_000,
            granted_scopes: GrantedScopes::default(),
            subject: Some("1".into()),
            email: None,
            token_type: Default::default(),
        };
        assert!(!session.renewal_due(0, 300));
        assert!(!session.renewal_due(300_000, 300));
        assert!(session.renewal_due(300_001, 300));
        assert!(
            !session.renewal_due(600_000, 300),
            "expired is not renewable in place"
        );
    }

    #[test]
    fn relayed_response_round_trips_and_carries_its_state() {
        let relay = ChannelMessage::relay("#access_token=a&state=s1");
        let ChannelMessage::AuthorizationResponse { state, .. } = &relay else {
            panic!("not a relay")
        };
        assert_eq!(state.as_deref(), Some("s1"));
        assert_eq!(ChannelMessage::from_json(&relay.to_json()), Some(relay));
    }

    #[test]
    fn sign_out_round_trips() {
        let json = ChannelMessage::SignedOut.to_json();
        assert_eq!(json, r#"{"kind":"browser-oauth/signed-out"}"#);
        assert_eq!(
            ChannelMessage::from_json(&json),
            Some(ChannelMessage::SignedOut)
        );
    }

    #[test]
    fn foreign_messages_are_ignored() {
        assert_eq!(
            ChannelMessage::from_json(r#"{"kind":"other","fragment":""}"#),
            None
        );
        assert_eq!(ChannelMessage::from_json("not json"), None);
    }
}
