//! Wallet record decoders and the backup file parsers: never panic, and every
//! accepted record is exactly what the encoder writes (one encoding per value).
#![no_main]

use hawiya_core::internal::{wallet_backup, wallet_records};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(decoder) = wallet_records(data) {
        panic!("{decoder} record decoder accepted non-canonical bytes");
    }
    let mut file = hawiya_wallet::BACKUP_MAGIC.to_vec();
    file.extend_from_slice(data);
    let _ = wallet_backup(&file, data);
    let _ = wallet_backup(data, data);
});
