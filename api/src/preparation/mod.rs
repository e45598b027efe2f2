//! Before departure: preparation tasks, travel details, meetings and calendars.

pub mod calendar;
pub mod checklist;
pub mod feed_routes;
pub mod feeds;
pub mod ics;
pub mod meetings;
pub mod policy;
pub mod routes;
pub mod tasks;
pub mod travel;
