//! The console's plain HTTP routes beside its pages: dataset uploads and downloads, and the
//! no-JavaScript pages that show a new secret once.

pub mod files;
pub mod forms;
