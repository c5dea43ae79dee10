//! The Rust side of the bindings' overhead measurement: the same
//! presentation the app makes through `Wallet::present`, timed inside Rust.

use std::sync::Arc;
use std::time::Instant;

use crate::error::WalletError;
use crate::wallet::Wallet;
use hawiya_core::Disclosure;

/// How long `count` presentations took inside Rust.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct BenchResult {
    /// Presentations made.
    pub count: u32,
    /// Total wall time in nanoseconds.
    pub total_nanos: u64,
}

/// Makes `count` device-bound presentations of document `number` through
/// the same Rust code path as `Wallet::present` (QR text and module matrix
/// included) and times them, so an app can compare one call from Kotlin
/// or Swift with the Rust cost. Each presentation is logged, as usual.
#[uniffi::export]
pub fn rust_presentation_benchmark(
    wallet: Arc<Wallet>,
    number: u64,
    disclosure: Disclosure,
    count: u32,
) -> Result<BenchResult, WalletError> {
    let start = Instant::now();
    for _ in 0..count {
        wallet.present(number, disclosure.clone(), None)?;
    }
    Ok(BenchResult {
        count,
        total_nanos: u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX),
    })
}
