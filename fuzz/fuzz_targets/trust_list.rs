//! Signed trust list decoder. An even first byte feeds the rest to
//! `TrustList::from_signed` as is; an odd one signs the rest as the payload
//! with the pinned root key, so the payload parser behind the signature
//! check is fuzzed too. What is accepted round-trips through `sign`.
#![no_main]

use hawiya_core::{TrustList, TRUST_LIST_TYP};
use hawiya_fuzz::{protected_header, root_key, sign1, ROOT_PUBLIC};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        let _ = TrustList::from_signed(data, &ROOT_PUBLIC);
        return;
    };
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        sign1(&protected_header(None, TRUST_LIST_TYP), rest, &root_key())
    };
    if let Ok(list) = TrustList::from_signed(&bytes, &ROOT_PUBLIC) {
        let resigned = list
            .sign(&root_key())
            .expect("an accepted list signs again");
        assert_eq!(
            TrustList::from_signed(&resigned, &ROOT_PUBLIC),
            Ok(list),
            "trust list does not round-trip"
        );
    }
});
