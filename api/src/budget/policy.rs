//! Who may read and set the budget.

use crate::http::Gate;
use entity::enums::Role;

/// The budget, its rates and its report: coordinators, admins and the accountant.
pub struct BudgetReaders;
impl Gate for BudgetReaders {
    const ROLES: &'static [Role] = &[Role::Coordinator, Role::Accountant];
}
