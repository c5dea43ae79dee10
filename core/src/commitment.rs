//! The selective-disclosure commitment: a salted Merkle tree over a document's
//! claims, with a tree of seeds that gives every leaf its salt.
//!
//! The issuer signs only the 16-byte root. A presentation reveals the chosen
//! claims and a *proof*: one 16-byte chunk per maximal undisclosed subtree (its
//! digest) and one per maximal disclosed subtree whose seed the verifier cannot
//! derive (its seed). Seeds only flow downwards (parent → child, one-way), so a
//! revealed seed never yields the salt of an undisclosed claim; the portrait
//! sits under a *sealed* node whose seed is independent, so revealing the root
//! seed for a "full" presentation still hides it. The tree shape is fixed per
//! document type and chosen so the common disclosures are cheap (docs/FORMAT.md
//! §4 gives the shape and the measured costs).

use std::collections::BTreeMap;

use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::claims::{ClaimKey, ClaimValue, DocumentType};

/// Length of digests, salts and seeds in the tree.
pub const CHUNK_LEN: usize = 16;

/// A 16-byte digest, salt or seed.
pub(crate) type Chunk = [u8; CHUNK_LEN];

const LEAF_TAG: u8 = 0x00;
const NODE_TAG: u8 = 0x01;
const SEED_TAG: u8 = 0x02;

/// The shape of a commitment tree.
#[derive(Debug)]
pub(crate) enum Tree {
    /// One claim.
    Leaf(ClaimKey),
    /// Two subtrees; the digest is `H(0x01 ‖ left ‖ right)`.
    Node(&'static Tree, &'static Tree),
    /// A subtree whose seed is random (index into the sealed seeds), never
    /// derived from its parent, so revealing an ancestor's seed hides it.
    Sealed(usize, &'static Tree),
}

use ClaimKey::*;
use Tree::{Leaf, Node, Sealed};

/// Name (both scripts), number and expiry: the usual "show my ID" disclosure.
static IDENTITY: Tree = Node(
    &Node(&Leaf(NameAr), &Leaf(NameEn)),
    &Node(&Leaf(DocumentNumber), &Leaf(ExpiryDate)),
);
static PERSONAL: Tree = Node(
    &Node(&Leaf(BirthDate), &Leaf(Sex)),
    &Node(
        &Leaf(Nationality),
        &Node(&Leaf(PlaceOfBirth), &Leaf(IssueDate)),
    ),
);
static PERSONAL_AND_WORK: Tree = Node(&PERSONAL, &Node(&Leaf(Occupation), &Leaf(Employer)));
static PORTRAIT: Tree = Sealed(0, &Leaf(Portrait));
static NATIONAL_ID: Tree = Node(
    &Leaf(AgeOver18),
    &Node(
        &IDENTITY,
        &Node(&Leaf(AgeOver21), &Node(&PERSONAL, &PORTRAIT)),
    ),
);
static RESIDENT_PERMIT: Tree = Node(
    &Leaf(AgeOver18),
    &Node(
        &IDENTITY,
        &Node(&Leaf(AgeOver21), &Node(&PERSONAL_AND_WORK, &PORTRAIT)),
    ),
);

/// Number of sealed subtrees in every tree (the portrait).
pub(crate) const SEALED_COUNT: usize = 1;

/// The commitment tree of a document type.
pub(crate) fn tree_for(document: DocumentType) -> &'static Tree {
    match document {
        DocumentType::NationalId => &NATIONAL_ID,
        DocumentType::ResidentPermit => &RESIDENT_PERMIT,
    }
}

/// The secret seeds of one credential: the root seed and one seed per sealed
/// subtree. Held by the wallet only; zeroized on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Seeds {
    pub(crate) root: Chunk,
    pub(crate) sealed: [Chunk; SEALED_COUNT],
}

impl std::fmt::Debug for Seeds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seeds(redacted)")
    }
}

impl Seeds {
    /// Fresh random seeds for a new credential.
    pub(crate) fn generate(rng: &mut impl CryptoRngCore) -> Seeds {
        let mut seeds = Seeds {
            root: [0; CHUNK_LEN],
            sealed: [[0; CHUNK_LEN]; SEALED_COUNT],
        };
        // One draw from the random source for all seeds.
        let mut all = Zeroizing::new([0u8; CHUNK_LEN * (1 + SEALED_COUNT)]);
        rng.fill_bytes(all.as_mut_slice());
        let mut chunks = all.chunks_exact(CHUNK_LEN);
        for slot in std::iter::once(&mut seeds.root).chain(seeds.sealed.iter_mut()) {
            if let Some(chunk) = chunks.next() {
                slot.copy_from_slice(chunk);
            }
        }
        seeds
    }
}

fn hash(parts: &[&[u8]]) -> Chunk {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    let full = h.finalize();
    let mut out = [0u8; CHUNK_LEN];
    out.copy_from_slice(&full[..CHUNK_LEN]);
    out
}

fn leaf_digest(salt: &Chunk, key: ClaimKey, value: &[u8]) -> Chunk {
    // Every claim key is below 24, so its CBOR encoding is the key itself as
    // one byte (checked by `claim_keys_encode_as_one_byte`).
    hash(&[&[LEAF_TAG], salt, &[key.code() as u8], value])
}

fn node_digest(left: &Chunk, right: &Chunk) -> Chunk {
    hash(&[&[NODE_TAG], left, right])
}

/// The seeds of both children: the two halves of `SHA-256(0x02 ‖ seed)`.
fn child_seeds(seed: &Chunk) -> (Chunk, Chunk) {
    let full = Sha256::new()
        .chain_update([SEED_TAG])
        .chain_update(seed)
        .finalize();
    let mut left = [0u8; CHUNK_LEN];
    let mut right = [0u8; CHUNK_LEN];
    left.copy_from_slice(&full[..CHUNK_LEN]);
    right.copy_from_slice(&full[CHUNK_LEN..]);
    (left, right)
}

/// Whether any claim under `tree`, sealed or not, is disclosed. A subtree
/// with none is sent as its digest.
fn any_disclosed(tree: &Tree, disclosed: &dyn Fn(ClaimKey) -> bool) -> bool {
    match tree {
        Leaf(k) => disclosed(*k),
        Sealed(_, inner) => any_disclosed(inner, disclosed),
        Node(l, r) => any_disclosed(l, disclosed) || any_disclosed(r, disclosed),
    }
}

/// Whether revealing this node's seed is allowed and useful: it has claims
/// outside sealed subtrees and all of those are disclosed. Sealed subtrees
/// have independent seeds, so revealing an ancestor's seed never exposes them.
fn reveals_seed(tree: &Tree, disclosed: &dyn Fn(ClaimKey) -> bool) -> bool {
    /// (has an unsealed leaf, every unsealed leaf is disclosed)
    fn scan(tree: &Tree, disclosed: &dyn Fn(ClaimKey) -> bool) -> (bool, bool) {
        match tree {
            Leaf(k) => (true, disclosed(*k)),
            Sealed(..) => (false, true),
            Node(l, r) => {
                let (a, b) = (scan(l, disclosed), scan(r, disclosed));
                (a.0 || b.0, a.1 && b.1)
            }
        }
    }
    let (has_leaf, all) = scan(tree, disclosed);
    has_leaf && all
}

/// Whether a claim is part of a tree.
pub(crate) fn contains(tree: &Tree, key: ClaimKey) -> bool {
    match tree {
        Leaf(k) => *k == key,
        Sealed(_, inner) => contains(inner, key),
        Node(l, r) => contains(l, key) || contains(r, key),
    }
}

/// Encoded claim values by key, as committed.
pub(crate) type EncodedClaims = BTreeMap<ClaimKey, Vec<u8>>;

/// Number of nodes in a tree, sealed wrappers included (pre-order indexing).
fn size(tree: &Tree) -> usize {
    match tree {
        Leaf(_) => 1,
        Sealed(_, inner) => 1 + size(inner),
        Node(l, r) => 1 + size(l) + size(r),
    }
}

/// The digest and seed of every node of one credential's tree, in pre-order.
/// Built once per held credential, so making a proof only looks chunks up.
/// The seeds are secret and wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct TreeCache {
    digests: Vec<Chunk>,
    seeds: Zeroizing<Vec<Chunk>>,
}

impl TreeCache {
    /// Computes every node's seed and digest from the claim values and seeds.
    pub(crate) fn build(
        tree: &Tree,
        values: &BTreeMap<ClaimKey, ClaimValue>,
        seeds: &Seeds,
    ) -> TreeCache {
        let n = size(tree);
        let mut cache = TreeCache {
            digests: Vec::with_capacity(n),
            seeds: Zeroizing::new(Vec::with_capacity(n)),
        };
        let mut scratch = Zeroizing::new(Vec::with_capacity(256));
        cache.fill(tree, seeds.root, values, seeds, &mut scratch);
        cache
    }

    fn fill(
        &mut self,
        tree: &Tree,
        seed: Chunk,
        values: &BTreeMap<ClaimKey, ClaimValue>,
        seeds: &Seeds,
        scratch: &mut Vec<u8>,
    ) -> Chunk {
        let at = self.digests.len();
        let seed = match tree {
            Sealed(i, _) => seeds.sealed.get(*i).copied().unwrap_or_default(),
            _ => seed,
        };
        self.digests.push([0; CHUNK_LEN]);
        self.seeds.push(seed);
        let digest = match tree {
            Sealed(_, inner) => self.fill(inner, seed, values, seeds, scratch),
            Leaf(k) => {
                scratch.clear();
                values
                    .get(k)
                    .unwrap_or(&ClaimValue::Absent)
                    .encode_into(scratch);
                leaf_digest(&seed, *k, scratch)
            }
            Node(l, r) => {
                let (sl, sr) = child_seeds(&seed);
                let dl = self.fill(l, sl, values, seeds, scratch);
                let dr = self.fill(r, sr, values, seeds, scratch);
                node_digest(&dl, &dr)
            }
        };
        if let Some(slot) = self.digests.get_mut(at) {
            *slot = digest;
        }
        digest
    }

    /// The root digest the issuer signs.
    pub(crate) fn root(&self) -> Chunk {
        self.digests.first().copied().unwrap_or_default()
    }

    /// The proof for disclosing the claims `disclosed` says (§4.2 of FORMAT.md).
    pub(crate) fn prove(&self, tree: &Tree, disclosed: &dyn Fn(ClaimKey) -> bool) -> Vec<u8> {
        let mut proof = Vec::with_capacity(4 * CHUNK_LEN);
        let mut at = 0;
        self.walk(tree, &mut at, false, disclosed, &mut proof);
        proof
    }

    fn walk(
        &self,
        tree: &Tree,
        at: &mut usize,
        known: bool,
        disclosed: &dyn Fn(ClaimKey) -> bool,
        out: &mut Vec<u8>,
    ) {
        let here = *at;
        let chunk = |chunks: &[Chunk]| chunks.get(here).copied().unwrap_or_default();
        if !any_disclosed(tree, disclosed) {
            out.extend_from_slice(&chunk(&self.digests));
            *at += size(tree);
            return;
        }
        *at += 1;
        match tree {
            Sealed(_, inner) => self.walk(inner, at, false, disclosed, out),
            Leaf(_) => {
                if !known {
                    out.extend_from_slice(&chunk(&self.seeds));
                }
            }
            Node(l, r) => {
                let mut known = known;
                if !known && reveals_seed(tree, disclosed) {
                    out.extend_from_slice(&chunk(&self.seeds));
                    known = true;
                }
                self.walk(l, at, known, disclosed, out);
                self.walk(r, at, known, disclosed, out);
            }
        }
    }
}

/// Why a proof does not fit the disclosed claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProofError {
    /// The proof has fewer or more chunks than the disclosed set needs.
    Length,
}

struct Reconstructor<'a> {
    values: &'a EncodedClaims,
    chunks: std::slice::ChunksExact<'a, u8>,
}

impl Reconstructor<'_> {
    fn next(&mut self) -> Result<Chunk, ProofError> {
        let chunk = self.chunks.next().ok_or(ProofError::Length)?;
        let mut out = [0u8; CHUNK_LEN];
        out.copy_from_slice(chunk);
        Ok(out)
    }

    fn walk(&mut self, tree: &Tree, seed: Option<Chunk>) -> Result<Chunk, ProofError> {
        let values = self.values;
        let disclosed = |k: ClaimKey| values.contains_key(&k);
        if !any_disclosed(tree, &disclosed) {
            return self.next();
        }
        match tree {
            Sealed(_, inner) => self.walk(inner, None),
            Leaf(k) => {
                let salt = match seed {
                    Some(s) => s,
                    None => self.next()?,
                };
                let value = values.get(k).map(Vec::as_slice).unwrap_or(&[]);
                Ok(leaf_digest(&salt, *k, value))
            }
            Node(l, r) => {
                let seed = match seed {
                    None if reveals_seed(tree, &disclosed) => Some(self.next()?),
                    other => other,
                };
                let children = seed.map(|s| child_seeds(&s));
                let dl = self.walk(l, children.map(|c| c.0))?;
                let dr = self.walk(r, children.map(|c| c.1))?;
                Ok(node_digest(&dl, &dr))
            }
        }
    }
}

/// Recomputes the root digest from disclosed claims and a proof.
///
/// The caller has checked every disclosed key belongs to `tree`.
pub(crate) fn reconstruct(
    tree: &Tree,
    disclosed: &EncodedClaims,
    proof: &[u8],
) -> Result<Chunk, ProofError> {
    if !proof.len().is_multiple_of(CHUNK_LEN) {
        return Err(ProofError::Length);
    }
    let mut r = Reconstructor {
        values: disclosed,
        chunks: proof.chunks_exact(CHUNK_LEN),
    };
    let root = r.walk(tree, None)?;
    if r.chunks.next().is_some() {
        return Err(ProofError::Length);
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cbor::Value;
    use crate::claims::tests::national_id;
    use crate::date::UnixTime;
    use rand_core::OsRng;

    fn encoded(doc: DocumentType) -> BTreeMap<ClaimKey, ClaimValue> {
        let mut claims = national_id();
        if doc == DocumentType::ResidentPermit {
            claims.document_type = doc;
            claims.document_number = 2_000_000_001;
            claims.occupation = Some("Engineer".into());
            claims.employer = Some("Example Co.".into());
        }
        claims
            .to_entries(UnixTime::start_of(claims.issue_date))
            .unwrap()
            .into_iter()
            .collect()
    }

    /// The disclosed claims as a verifier receives them: encoded values.
    fn subset(values: &BTreeMap<ClaimKey, ClaimValue>, keys: &[ClaimKey]) -> EncodedClaims {
        values
            .iter()
            .filter(|(k, _)| keys.contains(k))
            .map(|(k, v)| (*k, v.to_cbor().to_bytes()))
            .collect()
    }

    #[test]
    fn every_subset_reconstructs_the_root() {
        for doc in [DocumentType::NationalId, DocumentType::ResidentPermit] {
            let tree = tree_for(doc);
            let values = encoded(doc);
            let seeds = Seeds::generate(&mut OsRng);
            let cache = TreeCache::build(tree, &values, &seeds);
            let expected = cache.root();
            let keys: Vec<ClaimKey> = doc.claim_keys().to_vec();
            assert!(keys.len() <= 14);
            for mask in 0u32..(1 << keys.len()) {
                let chosen: Vec<ClaimKey> = keys
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, k)| *k)
                    .collect();
                let proof = cache.prove(tree, &|k| chosen.contains(&k));
                let shown = subset(&values, &chosen);
                assert_eq!(
                    reconstruct(tree, &shown, &proof),
                    Ok(expected),
                    "{chosen:?}"
                );
                // A proof one chunk shorter or longer never fits.
                let shorter = &proof[..proof.len() - CHUNK_LEN];
                assert_eq!(reconstruct(tree, &shown, shorter), Err(ProofError::Length));
                let mut longer = proof.clone();
                longer.extend_from_slice(&[0; 16]);
                assert_eq!(reconstruct(tree, &shown, &longer), Err(ProofError::Length));
            }
        }
    }

    #[test]
    fn common_disclosures_are_cheap() {
        let tree = tree_for(DocumentType::NationalId);
        let values = encoded(DocumentType::NationalId);
        let seeds = Seeds::generate(&mut OsRng);
        let cache = TreeCache::build(tree, &values, &seeds);
        let cost = |keys: &[ClaimKey]| cache.prove(tree, &|k| keys.contains(&k)).len();
        let full: Vec<ClaimKey> = DocumentType::NationalId
            .claim_keys()
            .iter()
            .copied()
            .filter(|k| *k != Portrait)
            .collect();
        assert_eq!(cost(&full), 32);
        assert_eq!(cost(&[AgeOver18]), 32);
        assert_eq!(cost(&[NameAr, NameEn, DocumentNumber, ExpiryDate]), 48);
    }

    #[test]
    fn proofs_never_carry_an_undisclosed_salt() {
        // Collect every seed the tree derives; a proof for any single claim must
        // contain no seed or salt of any other leaf, and never the portrait's.
        let tree = tree_for(DocumentType::NationalId);
        let values = encoded(DocumentType::NationalId);
        let seeds = Seeds::generate(&mut OsRng);
        fn leaf_salts(tree: &Tree, seed: Chunk, seeds: &Seeds, out: &mut Vec<(ClaimKey, Chunk)>) {
            match tree {
                Leaf(k) => out.push((*k, seed)),
                Sealed(i, inner) => leaf_salts(inner, seeds.sealed[*i], seeds, out),
                Node(l, r) => {
                    let (sl, sr) = child_seeds(&seed);
                    leaf_salts(l, sl, seeds, out);
                    leaf_salts(r, sr, seeds, out);
                }
            }
        }
        let mut salts = Vec::new();
        leaf_salts(tree, seeds.root, &seeds, &mut salts);
        let cache = TreeCache::build(tree, &values, &seeds);
        for (shown, _) in &salts {
            let proof = cache.prove(tree, &|k| k == *shown);
            for (other, salt) in &salts {
                if other != shown {
                    assert!(
                        !proof.chunks(16).any(|c| c == salt),
                        "{shown:?} leaks {other:?}"
                    );
                }
            }
            assert!(!proof.chunks(16).any(|c| c == seeds.root));
        }
    }

    #[test]
    fn claim_keys_encode_as_one_byte() {
        for key in ClaimKey::ALL {
            assert_eq!(
                Value::Unsigned(key.code()).to_bytes(),
                vec![key.code() as u8]
            );
        }
    }

    #[test]
    fn a_changed_value_changes_the_root() {
        let tree = tree_for(DocumentType::NationalId);
        let values = encoded(DocumentType::NationalId);
        let seeds = Seeds::generate(&mut OsRng);
        let cache = TreeCache::build(tree, &values, &seeds);
        let (r, proof) = (cache.root(), cache.prove(tree, &|k| k == AgeOver18));
        let mut forged = subset(&values, &[AgeOver18]);
        forged.insert(AgeOver18, Value::Bool(false).to_bytes());
        assert_ne!(reconstruct(tree, &forged, &proof), Ok(r));
    }
}
