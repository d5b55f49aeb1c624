use super::{profile_view, renewal_notice, view_tabs, LazyFeature};
use crate::auth::SignedIn;
use crate::host::Feature;
use crate::ui::auth_context::use_auth;
use crate::ui::view::View;
use seam::ui::use_now;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SignedInProps {
    pub signed_in: Rc<SignedIn>,
}

/// The signed-in page: the offer to renew, the views as tabs, sign-out on every view, and the
/// session's end when its time runs out, whichever view is open. After a redirect the view the
/// request was made from comes back (`return_to`); after a reload, the one last shown.
#[component]
pub fn SignedInView(props: &SignedInProps) -> Html {
    let auth = use_auth();
    let now = use_now();
    let view = {
        let returned = auth.state.return_to.as_deref().and_then(View::from_name);
        use_state(move || returned.unwrap_or_else(View::stored))
    };
    let expired = props.signed_in.session.is_expired(now);
    {
        let auth = auth.clone();
        use_effect_with(expired, move |expired| {
            if *expired {
                auth.expire();
            }
        });
    }
    // With a refresh token (some providers; never Google) renewal needs no window, so no
    // click: it starts by itself once due. Without one (or once it failed), the offer below.
    let refresh_due = props.signed_in.refresh.is_some()
        && props
            .signed_in
            .session
            .renewal_due(now, auth.config.renew_lead_secs);
    {
        let auth = auth.clone();
        use_effect_with(refresh_due, move |due| {
            if *due {
                auth.refresh();
            }
        });
    }
    let on_select = {
        let view = view.clone();
        Callback::from(move |chosen: View| {
            chosen.store();
            view.set(chosen);
        })
    };
    let sign_out = {
        let auth = auth.clone();
        Callback::from(move |_| auth.sign_out())
    };
    let signed_in = props.signed_in.clone();
    // Tasks and Calendar are Google's APIs: with another provider there is only the profile.
    let google = auth.config.quirks.google_apis;
    let shown = if google { *view } else { View::Profile };
    let body = match shown {
        View::Profile => profile_view(&auth, &signed_in, now),
        View::Tasks => html! {
            <LazyFeature key="tasks" feature={Feature::Tasks} signed_in={signed_in.clone()} now=true />
        },
        View::Calendar => html! {
            <LazyFeature key="calendar" feature={Feature::Calendar} signed_in={signed_in.clone()} now=true />
        },
    };
    html! {
        <>
            { renewal_notice(&auth, &signed_in, now, shown) }
            <div class="account-bar">
                if google {
                    { view_tabs(shown, &on_select) }
                }
                <button class="button" onclick={sign_out}>{ "Sign out" }</button>
            </div>
            { body }
        </>
    }
}
