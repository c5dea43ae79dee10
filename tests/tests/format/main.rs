//! The format and the verifier (hawiya-core) end to end, one test binary:
//! issuance to verdict, the test vectors of docs/FORMAT.md, and decoders
//! that never panic on any input.

mod decoders_never_panic;
mod e2e;
mod vectors;
