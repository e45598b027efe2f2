//! Who may read and set the obligations, the progress, the indicators and the exports. These
//! are whole views rather than records of their own, so the rules are role gates, and for one
//! participant's obligations, whether the caller sees that participant.
//!
//! | operation | who |
//! | --- | --- |
//! | a participant's obligations | whoever sees the participant (`participants::access::visible`; 404 otherwise) |
//! | a mobility's deadlines (read, set), its progress | coordinators and admins (the `http::Staff` gate) |
//! | the project's indicators | coordinators, admins and the accountant ([`StaffOrAccountant`]) |
//! | the project's public indicators | anyone, without a token |
//! | the CSV exports | coordinators and admins (the `http::Staff` gate) |

use crate::http::Gate;
use entity::enums::Role;

/// Project-wide follow-up figures: coordinators, admins and the accountant.
pub struct StaffOrAccountant;
impl Gate for StaffOrAccountant {
    const ROLES: &'static [Role] = &[Role::Coordinator, Role::Accountant];
}
