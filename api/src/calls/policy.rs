//! Who may see and manage calls.
//!
//! | operation | who |
//! | --- | --- |
//! | list and read `open` and `closed` calls | everyone, without a token |
//! | list and read `draft` calls; apply to a draft call | admins and coordinators ([`sees_drafts`]); to others a draft does not exist (404) |
//! | create, change, publish, close | admins and coordinators (`http::Staff`, before the body) |

use crate::http::AuthUser;

/// Draft calls are seen by admins and coordinators only.
pub fn sees_drafts(user: Option<&AuthUser>) -> bool {
    user.is_some_and(|u| u.is_staff())
}
