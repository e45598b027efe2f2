//! A participant's sustainability record (how they travelled, local public transport, local
//! food providers, planning online), which the project's indicators summarise.

pub mod routes;
pub mod service;
