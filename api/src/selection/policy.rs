//! Who may take part in selection.

use crate::http::Gate;
use entity::enums::Role;

/// The committee's work (committee, criteria, settings as read): coordinators, admins and any
/// `committee` user.
pub struct StaffOrCommittee;
impl Gate for StaffOrCommittee {
    const ROLES: &'static [Role] = &[Role::Coordinator, Role::Committee];
}
