//! The `hawiya` command as scripts and people use it, one test binary:
//! exit codes and JSON, the wallet commands, the rule for output files,
//! bounded inputs, the card, and the verdict's published schema.

mod card_cli;
mod cli;
mod common;
mod inputs;
mod verdict_schema;
mod wallet_cli;
mod web_cli;
mod writes_cli;
