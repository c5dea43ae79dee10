//! Signed status list decoder, against a trust list with one issuer. An even
//! first byte feeds the rest to `SignedStatusList::from_signed` as is; an odd
//! one signs the rest as the payload with the trusted issuer's key, so the
//! payload parser and the zlib decompression behind the signature check are
//! fuzzed too. What is accepted round-trips through `sign`.
#![no_main]

use hawiya_core::{SignedStatusList, STATUS_LIST_TYP};
use hawiya_fuzz::{issuer_key, protected_header, sign1, KID, TRUST};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        let _ = SignedStatusList::from_signed(data, &TRUST);
        return;
    };
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        sign1(
            &protected_header(Some(KID), STATUS_LIST_TYP),
            rest,
            &issuer_key(),
        )
    };
    if let Ok(list) = SignedStatusList::from_signed(&bytes, &TRUST) {
        let resigned = list.sign(&issuer_key(), KID);
        assert_eq!(
            SignedStatusList::from_signed(&resigned, &TRUST),
            Ok(list),
            "status list does not round-trip"
        );
    }
});
