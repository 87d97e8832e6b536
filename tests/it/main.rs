//! The integration suite of `ladder`: one binary (`cargo test --test it`) with a module
//! per area. Fixtures live in `tests/fixtures/<case>/`; see `tests/README.md`.

mod bad_input;
mod browser;
mod build;
mod cache;
mod ci;
mod cli;
mod faults;
mod grades;
mod harness;
mod hostile;
mod serve;
mod validate;
mod views;
