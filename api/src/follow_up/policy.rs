//! Who may use the follow-up's project-wide views.

use crate::http::Gate;
use entity::enums::Role;

/// Project-wide follow-up figures: coordinators, admins and the accountant.
pub struct StaffOrAccountant;
impl Gate for StaffOrAccountant {
    const ROLES: &'static [Role] = &[Role::Coordinator, Role::Accountant];
}
