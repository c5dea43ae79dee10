#!/usr/bin/env python3
"""Independent check of docs/test-vectors.json, written from docs/FORMAT.md only.

Nothing here comes from hawiya's Rust code. The signatures are verified with
pycose (COSE_Sign1, EdDSA, OKP Ed25519 keys), CBOR is decoded and encoded with
cbor2, Base45 (RFC 9285) and the claim commitment (FORMAT.md §4) are
implemented below from the text of the specification.

Run through tests/python/run.sh, which provides pycose 1.1.0 and cbor2 5.9.0
in a venv (pycose 1.1.0 cannot decode tagged COSE messages with cbor2 >= 6,
which decodes arrays inside tags as tuples: TimothyClaeys/pycose#141).
The last line printed to stdout is `python: N passed, M failed`; the exit code
is non-zero if any test failed.
"""

import hashlib
import json
import os
import sys
import unittest
import zlib

from importlib.metadata import version

import cbor2
from pycose.keys.cosekey import CoseKey
from pycose.keys.curves import Ed25519
from pycose.keys.okp import OKPKey
from pycose.messages import Sign1Message

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS_PATH = os.path.join(HERE, "..", "..", "docs", "test-vectors.json")

with open(VECTORS_PATH, encoding="utf-8") as f:
    V = json.load(f)


def unhex(s):
    return bytes.fromhex(s)


# --------------------------------------------------------------------------
# Base45, RFC 9285 (FORMAT.md §1: reject characters outside the alphabet,
# a dangling single character, and groups out of range).

B45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45decode(text):
    values = []
    for ch in text:
        v = B45_ALPHABET.find(ch)
        if v < 0:
            raise ValueError(f"Base45: character {ch!r} outside the alphabet")
        values.append(v)
    out = bytearray()
    for i in range(0, len(values), 3):
        group = values[i:i + 3]
        if len(group) == 1:
            raise ValueError("Base45: dangling single character")
        n = sum(v * 45 ** k for k, v in enumerate(group))
        if len(group) == 3:
            if n > 0xFFFF:
                raise ValueError("Base45: 3-character group out of range")
            out += n.to_bytes(2, "big")
        else:
            if n > 0xFF:
                raise ValueError("Base45: 2-character group out of range")
            out.append(n)
    return bytes(out)


def b45encode(data):
    out = []
    for i in range(0, len(data), 2):
        chunk = data[i:i + 2]
        n = int.from_bytes(chunk, "big")
        digits = 3 if len(chunk) == 2 else 2
        for _ in range(digits):
            out.append(B45_ALPHABET[n % 45])
            n //= 45
    return "".join(out)


# --------------------------------------------------------------------------
# Deterministic CBOR (RFC 8949 §4.2.1, FORMAT.md §1).
#
# cbor2's canonical=True sorts map keys length-first (the old RFC 7049 §3.9
# "canonical CBOR"), not by plain bytewise order of the encoded keys as RFC
# 8949 §4.2.1 requires (see test_cbor2_canonical_ordering). So maps are
# ordered here by the bytes of their encoded keys, and cbor2 (which keeps
# insertion order and always writes shortest heads and definite lengths)
# does the encoding.

SCALARS = (bool, int, bytes, str, type(None))


def _key_bytes(k):
    return cbor2.dumps(k, canonical=True)


def _ordered(obj):
    if isinstance(obj, dict):
        items = sorted(obj.items(), key=lambda kv: _key_bytes(kv[0]))
        keys = [_key_bytes(k) for k, _ in items]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate map key")
        return {k: _ordered(v) for k, v in items}
    if isinstance(obj, (list, tuple)):
        return [_ordered(x) for x in obj]
    if isinstance(obj, SCALARS):
        return obj
    raise ValueError(f"not allowed in hawiya CBOR: {type(obj).__name__}")


def dcbor(obj):
    """Deterministic (core deterministic, RFC 8949 §4.2.1) encoding."""
    return cbor2.dumps(_ordered(obj))


def dcbor_decode(data):
    """Decode, accepting only the deterministic encoding (FORMAT.md §1).

    Re-encoding the decoded value must give the input back: that rejects
    non-shortest heads, indefinite lengths, unsorted or duplicate keys and
    trailing bytes; _ordered rejects floats, tags and other simple values.
    """
    value = cbor2.loads(data)
    if dcbor(value) != data:
        raise ValueError("not deterministic CBOR")
    return value


# --------------------------------------------------------------------------
# COSE_Sign1 verification with pycose.

def ed25519_key(public):
    return OKPKey(crv=Ed25519, x=public)


def pycose_verify_sign1(cose_bytes, key):
    """Verify a tagged COSE_Sign1 (bytes) with pycose; return the message."""
    msg = Sign1Message.decode(cose_bytes)
    msg.key = key
    return msg.verify_signature(), msg


def pycose_verify_parts(protected, payload, signature, key):
    """Build a Sign1Message from its parts (the protected header kept as the
    exact bytes given) and verify it with pycose."""
    msg = Sign1Message(phdr_encoded=protected, payload=payload)
    msg.signature = signature
    msg.key = key
    return msg.verify_signature()


def sig_structure(protected, payload):
    return dcbor(["Signature1", protected, b"", payload])


# --------------------------------------------------------------------------
# The claim commitment, FORMAT.md §4.

CLAIM_KEYS = {
    "document_number": 1, "name_ar": 2, "name_en": 3, "birth_date": 4,
    "sex": 5, "nationality": 6, "place_of_birth": 7, "issue_date": 8,
    "expiry_date": 9, "age_over_18": 10, "age_over_21": 11,
    "occupation": 12, "employer": 13, "portrait": 14,
}
CLAIM_NAMES = {v: k for k, v in CLAIM_KEYS.items()}


def H(data):
    return hashlib.sha256(data).digest()[:16]


def leaf_digest(salt, key, value):
    return H(b"\x00" + salt + dcbor(key) + dcbor(value))


def node_digest(left, right):
    return H(b"\x01" + left + right)


def child_seed(seed, side):
    full = hashlib.sha256(b"\x02" + seed).digest()
    return full[16 * side:16 * side + 16]


class Leaf:
    def __init__(self, name):
        self.key = CLAIM_KEYS[name]


class Node:
    def __init__(self, left, right):
        self.left, self.right = left, right


class Sealed:
    def __init__(self, inner):
        self.inner = inner


def leaves(node):
    """Every leaf key under node, sealed subtrees included."""
    if isinstance(node, Leaf):
        return [node.key]
    if isinstance(node, Sealed):
        return leaves(node.inner)
    return leaves(node.left) + leaves(node.right)


def unsealed_leaves(node):
    """Leaf keys under node outside sealed subtrees (below node)."""
    if isinstance(node, Leaf):
        return [node.key]
    if isinstance(node, Sealed):
        return []
    return unsealed_leaves(node.left) + unsealed_leaves(node.right)


def sealed_nodes(node):
    """Sealed nodes in pre-order (order of the held credential's seeds)."""
    if isinstance(node, Leaf):
        return []
    if isinstance(node, Sealed):
        return [node] + sealed_nodes(node.inner)
    return sealed_nodes(node.left) + sealed_nodes(node.right)


def _identity():
    return Node(Node(Leaf("name_ar"), Leaf("name_en")),
                Node(Leaf("document_number"), Leaf("expiry_date")))


def _personal():
    return Node(Node(Leaf("birth_date"), Leaf("sex")),
                Node(Leaf("nationality"),
                     Node(Leaf("place_of_birth"), Leaf("issue_date"))))


def _work():
    return Node(_personal(), Node(Leaf("occupation"), Leaf("employer")))


def _document(middle):
    return Node(Leaf("age_over_18"),
                Node(_identity(),
                     Node(Leaf("age_over_21"),
                          Node(middle, Sealed(Leaf("portrait"))))))


TREES = {1: _document(_personal()), 2: _document(_work())}


class ProofError(ValueError):
    pass


class ChunkReader:
    def __init__(self, proof):
        if len(proof) % 16:
            raise ProofError("proof length is not a multiple of 16")
        self.chunks = [proof[i:i + 16] for i in range(0, len(proof), 16)]
        self.pos = 0

    def next(self):
        if self.pos >= len(self.chunks):
            raise ProofError("proof runs out")
        self.pos += 1
        return self.chunks[self.pos - 1]


def _walk_read(node, seed, claims, reader):
    """§4.2 walk, verifier side. seed is 16 bytes or None (unknown)."""
    if not any(k in claims for k in leaves(node)):
        return reader.next()                    # digest of the subtree
    if isinstance(node, Sealed):
        return _walk_read(node.inner, None, claims, reader)
    if isinstance(node, Leaf):
        if seed is None:
            seed = reader.next()                # the leaf's salt
        return leaf_digest(seed, node.key, claims[node.key])
    unsealed = unsealed_leaves(node)
    if seed is None and unsealed and all(k in claims for k in unsealed):
        seed = reader.next()                    # this node's seed
    left = _walk_read(node.left, None if seed is None else child_seed(seed, 0),
                      claims, reader)
    right = _walk_read(node.right, None if seed is None else child_seed(seed, 1),
                       claims, reader)
    return node_digest(left, right)


def recompute_root(doc_type, claims, proof):
    tree = TREES[doc_type]
    unknown = set(claims) - set(leaves(tree))
    if unknown:
        raise ProofError(f"claim keys {sorted(unknown)} not in document type {doc_type}")
    reader = ChunkReader(proof)
    root = _walk_read(tree, None, claims, reader)
    if reader.pos != len(reader.chunks):
        raise ProofError("proof has chunks left over")
    return root


class HeldTree:
    """Holder side: every seed and digest of the tree, from root_seed and the
    sealed seeds (§4, §8). A sealed node S(x) takes its own random seed and
    x is given that seed as is, and S(x)'s digest is x's: FORMAT.md §4 does
    not say so, but it reproduces the vectors' commitment_root."""

    def __init__(self, doc_type, values, root_seed, sealed_seeds):
        self.tree = TREES[doc_type]
        self.values = values
        sealed = sealed_nodes(self.tree)
        if len(sealed) != len(sealed_seeds):
            raise ValueError("wrong number of sealed seeds")
        self.sealed_seed = {id(n): s for n, s in zip(sealed, sealed_seeds)}
        self.root_seed = root_seed
        self.seeds = []             # (description, seed) of every tree position
        self.root = self._digest(self.tree, root_seed, "root")

    def _digest(self, node, seed, path):
        if isinstance(node, Sealed):
            seed = self.sealed_seed[id(node)]
            self.seeds.append((path + "/sealed", seed))
            return self._digest(node.inner, seed, path + "/sealed-inner")
        self.seeds.append((path, seed))
        if isinstance(node, Leaf):
            return leaf_digest(seed, node.key, self.values[node.key])
        return node_digest(self._digest(node.left, child_seed(seed, 0), path + "/0"),
                           self._digest(node.right, child_seed(seed, 1), path + "/1"))

    def proof(self, disclosed):
        """§4.2 walk, holder side: writes the chunks a verifier will read."""
        out = []
        self._walk_write(self.tree, self.root_seed, False, set(disclosed), out)
        return b"".join(out)

    def _walk_write(self, node, seed, known, disclosed, out):
        if not any(k in disclosed for k in leaves(node)):
            d = self._digest_quiet(node, seed)
            out.append(d)
            return d
        if isinstance(node, Sealed):
            return self._walk_write(node.inner, self.sealed_seed[id(node)], False,
                                    disclosed, out)
        if isinstance(node, Leaf):
            if not known:
                out.append(seed)
            return leaf_digest(seed, node.key, self.values[node.key])
        unsealed = unsealed_leaves(node)
        if not known and unsealed and all(k in disclosed for k in unsealed):
            out.append(seed)
            known = True
        return node_digest(
            self._walk_write(node.left, child_seed(seed, 0), known, disclosed, out),
            self._walk_write(node.right, child_seed(seed, 1), known, disclosed, out))

    def _digest_quiet(self, node, seed):
        saved = self.seeds
        self.seeds = []
        try:
            return self._digest(node, seed, "")
        finally:
            self.seeds = saved


# --------------------------------------------------------------------------
# Presentations, FORMAT.md §6.

class Malformed(ValueError):
    pass


class UnsupportedVersion(Malformed):
    """§6.1: a well-formed prefix of another format version."""


def is_guardian(x):
    """§5.1: an unsigned integer whose decimal form is 10 digits, the first
    1 or 2 (the §3 document_number rule, either document type)."""
    return (isinstance(x, int) and not isinstance(x, bool) and x >= 0
            and len(str(x)) == 10 and str(x)[0] in "12")


def tail(arr):
    """§6.2: (guardian or None, device part or None) after the 11 base fields.
    In a 12-element array an array is the device part, anything else the
    guardian."""
    rest = arr[11:]
    if not rest:
        return None, None
    if len(rest) == 1:
        return (None, rest[0]) if isinstance(rest[0], list) else (rest[0], None)
    return rest[0], rest[1]


FORMAT_VERSION = 2
CHALLENGE_MIN, CHALLENGE_MAX = 100000, 999999      # §11


def parse_qr(text):
    """§6.1 and §6.2: QR text -> (presentation bytes, presentation array)."""
    if len(text) > 4296:                                # §1.1, checked first
        raise Malformed("longer than 4296 characters")
    if not text.startswith("HW") or ":" not in text:
        raise Malformed("no HW prefix")
    version, body = text[2:].split(":", 1)
    # §6.1: 1 to 9 ASCII digits, no leading zero (so no version 0).
    if not (version.isascii() and version.isdigit() and 1 <= len(version) <= 9
            and not version.startswith("0")):
        raise Malformed(f"bad version {version!r}")
    if version != str(FORMAT_VERSION):
        raise UnsupportedVersion(f"unsupported version {version!r}")
    data = b45decode(body)
    try:
        arr = dcbor_decode(data)
    except Exception as e:  # cbor2 errors, non-deterministic encodings
        raise Malformed(f"CBOR: {e}") from e
    if not isinstance(arr, list) or len(arr) not in (11, 12, 13):
        raise Malformed("presentation is not an array of 11 to 13 elements")
    (ver, kid, iat_day, exp_day, status_idx, doc_type, doc_version,
     device_key, claims, proof, issuer_sig) = arr[:11]

    def uint(x):
        return isinstance(x, int) and not isinstance(x, bool) and x >= 0

    ok = (ver == FORMAT_VERSION and isinstance(kid, bytes) and uint(iat_day)
          and uint(exp_day) and uint(status_idx) and doc_type in TREES and uint(doc_version)
          # §6.2: the cnf key, or null for a print-only credential (§5.2)
          and (device_key is None or (isinstance(device_key, bytes) and len(device_key) == 32))
          and isinstance(claims, dict) and len(claims) >= 1
          and all(uint(k) for k in claims)
          and isinstance(proof, bytes)
          and isinstance(issuer_sig, bytes) and len(issuer_sig) == 64)
    rest = arr[11:]
    if len(rest) == 2 or (len(rest) == 1 and not isinstance(rest[0], list)):
        ok = ok and is_guardian(rest[0])        # §6.2: a guardian, checked per §5.1
    _, dev = tail(arr)
    if dev is not None:
        # a device part needs a device key; its challenge is null or a §11 code
        ok = ok and device_key is not None and (
            isinstance(dev, list) and len(dev) == 3 and uint(dev[0])
            and (dev[1] is None or (uint(dev[1]) and CHALLENGE_MIN <= dev[1] <= CHALLENGE_MAX))
            and isinstance(dev[2], bytes) and len(dev[2]) == 64)
    if not ok:
        raise Malformed("presentation fields have the wrong types")
    return data, arr


def trust_list_entries(trust_list_cose, root_public):
    ok, msg = pycose_verify_sign1(trust_list_cose, ed25519_key(root_public))
    if not ok:
        raise ValueError("trust list signature invalid")
    payload = dcbor_decode(msg.payload)
    return {e[1]: e for e in payload[3]}, payload


def rebuild_credential(arr, issuer):
    """§6.3 steps 2-4: (protected, payload, root) of the credential the
    issuer signed, from a parsed presentation and its trust-list entry."""
    (_, kid, iat_day, exp_day, status_idx, doc_type, doc_version,
     device_key, claims, proof, _) = arr[:11]
    root = recompute_root(doc_type, claims, proof)
    guardian, _ = tail(arr)
    hawiya = [FORMAT_VERSION, doc_type, doc_version, root]
    if guardian is not None:            # §5.1: the optional 5th element
        hawiya.append(guardian)
    protected = dcbor({1: -8, 4: kid})
    cwt = {
        1: issuer[3],
        4: exp_day * 86400,
        5: iat_day * 86400,
        6: iat_day * 86400,
        65535: {"status_list": {"idx": status_idx, "uri": issuer[4]}},
        -65537: hawiya,
    }
    if device_key is not None:          # §5.2: cnf exactly for a phone-bound credential
        cwt[8] = {1: {1: 1, -1: 6, -2: device_key}}
    payload = dcbor(cwt)
    return protected, payload, root


def verify_issuer_signature(arr, issuer):
    protected, payload, root = rebuild_credential(arr, issuer)
    ok = pycose_verify_parts(protected, payload, arr[10], ed25519_key(issuer[2]))
    return ok, protected, payload, root


DEVICE_PROTECTED = bytes.fromhex("a10127")


def device_signed_bytes(arr):
    """§6.4: P = the presentation with the device element as [ts, challenge]."""
    ts, challenge, _ = arr[-1]
    return dcbor(arr[:-1] + [[ts, challenge]])


def verify_device_signature(arr):
    cose_key = CoseKey.from_dict({1: 1, -1: 6, -2: arr[7]})  # the cnf COSE_Key
    return pycose_verify_parts(DEVICE_PROTECTED, device_signed_bytes(arr),
                               arr[-1][2], cose_key)


def device_part_verdict(arr, now, challenge=None, skew=30, freshness=120):
    """§9 step 4 and §11: the failure codes of the device part and the
    assurance level the code reaches (None when it reaches none)."""
    _, dev = tail(arr)
    device_key = arr[7]
    if dev is None:
        if device_key is not None:
            return ["device_signature_required"], None
        return (["challenge_not_answered"], None) if challenge else ([], "printed")
    failures = []
    if not verify_device_signature(arr):
        failures.append("bad_device_signature")
    ts = dev[0]
    if ts > now + skew:
        failures.append("presentation_from_future")
    elif now - ts > freshness + skew:
        failures.append("presentation_stale")
    if challenge is None:
        return failures, "timed"
    code, issued_at = challenge
    if dev[1] is None:
        return failures + ["challenge_not_answered"], None
    if dev[1] != code:
        return failures + ["challenge_mismatch"], None
    if not issued_at - skew <= now <= issued_at + freshness + skew:
        return failures + ["challenge_expired"], None
    return failures, "challenged"


# --------------------------------------------------------------------------
# Vector data.

KEYS = {k: unhex(v) for k, v in V["keys"].items()}
CRED = V["credential"]


def holder_values(holder):
    return {int(k): cbor2.loads(unhex(v)) for k, v in holder["claims_by_key"].items()}


HOLDER_VALUES = holder_values(V["holder"])
ROOT_SEED = unhex(V["holder"]["root_seed"])
SEALED_SEEDS = [unhex(s) for s in V["holder"]["sealed_seeds"]]
PRESENTATIONS = {p["name"]: p for p in V["presentations"]}
DOC_TYPES = {"national_id": 1, "resident_permit": 2}
CHALLENGE = V["challenge"]
REJECTIONS = V["rejections"]["vectors"]

# §5.2: the print-only credential of the same national ID.
PRINT = V["print"]
PRINT_CRED = PRINT["credential"]
PRINT_VALUES = holder_values(PRINT["holder"])
PRINT_PRESENTATIONS = {p["name"]: p for p in PRINT["presentations"]}

# §5.1 and §10: the dependent's credential, held by the guardian, and its print credential.
DEP = V["dependent"]
DEP_CRED = DEP["credential"]
DEP_VALUES = holder_values(DEP["holder"])
DEP_PRESENTATIONS = {p["name"]: p for p in DEP["presentations"]}
DEP_PRINT = DEP["print"]
DEP_PRINT_PRESENTATIONS = {p["name"]: p for p in DEP_PRINT["presentations"]}

# FORMAT.md §10 table: presentation -> (bytes, QR chars)
SIZE_TABLE = {
    "full": (325, 492), "identity": (314, 475), "age_over_18": (223, 339),
    "full_challenged": (329, 498), "identity_challenged": (318, 481),
    "age_over_18_challenged": (227, 345),
    "printed_full": (219, 333), "printed_age_over_18": (117, 180),
    "dependent_full": (319, 483), "dependent_printed_full": (213, 324),
}


def trust_list():
    return trust_list_entries(unhex(V["trust_list"]), KEYS["root_public"])


LEVELS = ["printed", "timed", "challenged"]           # weakest first (§9)
MAX_STATUS_AGE = 7 * 86400                              # the default policy


def status_bits(token, entries):
    """§7.2: (uri, issued_at, ttl, bit(i)) of a signed status list token."""
    outer = cbor2.loads(token)
    protected = dcbor_decode(outer.value[0])
    issuer = entries[protected[4]]
    ok, msg = pycose_verify_sign1(token, ed25519_key(issuer[2]))
    if not ok:
        raise ValueError("status list signature invalid")
    payload = dcbor_decode(msg.payload)
    bits = zlib.decompress(payload[65533]["lst"])

    def bit(i):
        return None if i >= len(bits) * 8 else (bits[i // 8] >> (i % 8)) & 1

    return payload[2], payload[6], payload[65534], bit


class Verifier:
    """§9 in full, from the spec: the reason codes of one scan. Keeps the
    device signatures it accepted, to catch a code scanned twice."""

    def __init__(self, min_assurance="printed", require_fresh_status=False,
                 status_token=None, skew=30, freshness=120):
        self.entries, _ = trust_list()
        self.min_assurance = min_assurance
        self.require_fresh_status = require_fresh_status
        self.status = None if status_token is None else status_bits(status_token, self.entries)
        self.skew, self.freshness = skew, freshness
        self.seen = set()

    def status_failures(self, issuer, index, now):
        if self.status is None or self.status[0] != issuer[4]:
            problem = "status_unknown"
            revoked = False
        else:
            uri, issued_at, ttl, bit = self.status
            value = bit(index)
            if value is None:
                problem, revoked = "status_unknown", False
            else:
                revoked = value == 1
                age = now - issued_at
                stale = age < -self.skew or (age > 0 and age > min(ttl, MAX_STATUS_AGE))
                problem = "status_stale" if stale else None
        failures = ["revoked"] if revoked else []
        if problem and self.require_fresh_status:
            failures.append(problem)
        return failures

    def verify(self, qr_text, now, challenge=None):
        try:
            _, arr = parse_qr(qr_text)
        except UnsupportedVersion:
            return ["unsupported_version"], None
        except ValueError:                      # Malformed, Base45, CBOR
            return ["malformed"], None
        failures = []
        kid, iat_day, exp_day, status_idx = arr[1], arr[2], arr[3], arr[4]
        issuer = self.entries.get(kid)
        if issuer is None:
            failures.append("unknown_issuer_key")
        else:
            if not issuer[5] <= iat_day * 86400 <= issuer[6]:
                failures.append("issuer_key_not_valid")
            try:
                ok = verify_issuer_signature(arr, issuer)[0]
            except ProofError:
                failures.append("malformed")
            else:
                if not ok:
                    failures.append("bad_issuer_signature")
                failures += self.status_failures(issuer, status_idx, now)
        if now + self.skew < iat_day * 86400:
            failures.append("credential_not_yet_valid")
        if now - self.skew >= exp_day * 86400:
            failures.append("credential_expired")
        device_failures, level = device_part_verdict(arr, now, challenge, self.skew,
                                                     self.freshness)
        failures += device_failures
        if level is not None and LEVELS.index(level) < LEVELS.index(self.min_assurance):
            failures.append("assurance_below_minimum")
        _, device = tail(arr)
        if device is not None and not failures:
            if device[2] in self.seen:
                failures.append("replayed")
            self.seen.add(device[2])
        return failures, (level if not failures else None)


# --------------------------------------------------------------------------
# Tests.

class TestBuildingBlocks(unittest.TestCase):
    def test_base45_rfc9285_examples_and_rejections(self):
        for text, raw in [("BB8", b"AB"), ("%69 VD92EX0", b"Hello!!"),
                          ("UJCLQE7W581", b"base-45"), ("QED8WEX0", b"ietf!"),
                          ("", b""), ("FGW", b"\xff\xff"), ("U5", b"\xff")]:
            self.assertEqual(b45decode(text), raw, text)
        for bad in ["GGW", "V5", "BB8A", "bb8", "BB8\n", "A"]:
            with self.assertRaises(ValueError, msg=bad):
                b45decode(bad)

    def test_cbor2_canonical_ordering(self):
        # RFC 8949 §4.2.1: keys sorted by the bytewise order of their
        # encodings; 24 (0x18 0x18) sorts before -1 (0x20). cbor2 6's
        # canonical=True sorts length-first instead, so it is not used for maps.
        rfc8949 = bytes.fromhex("a2181800" "2000")
        self.assertEqual(dcbor({-1: 0, 24: 0}), rfc8949)
        self.assertEqual(dcbor({24: 0, -1: 0}), rfc8949)
        cbor2_canonical = cbor2.dumps({-1: 0, 24: 0}, canonical=True)
        print(f"\n  note: cbor2 {version('cbor2')} canonical=True "
              f"{'matches' if cbor2_canonical == rfc8949 else 'does NOT match'}"
              " RFC 8949 §4.2.1 key order", end=" ... ")
        # For every map hawiya v1 signs, both orders agree (one-byte int keys,
        # then 65535, then -65537; equal-length text keys), so a verifier
        # using cbor2 canonical=True would still rebuild the right bytes.
        for name in ("payload", "protected"):
            self.assertEqual(cbor2.dumps(cbor2.loads(unhex(CRED[name])),
                                         canonical=True), unhex(CRED[name]))

    def test_deterministic_decoder_rejections(self):
        self.assertEqual(dcbor_decode(bytes.fromhex("a201020304")), {1: 2, 3: 4})
        for bad in ["a203040102",      # unsorted keys
                    "a201020103",      # duplicate key
                    "1817",            # non-shortest integer
                    "5f4101ff",        # indefinite-length byte string
                    "0100",            # trailing byte
                    "f93c00",          # float
                    "f0",              # simple value 16
                    "c11a659dde00"]:   # tag
            with self.assertRaises(Exception, msg=bad):
                dcbor_decode(bytes.fromhex(bad))


class TestCredential(unittest.TestCase):
    """(a) the issued credential, FORMAT.md §5."""

    def test_credential_verifies_under_issuer_key(self):
        cose = unhex(CRED["cose_sign1"])
        ok, msg = pycose_verify_sign1(cose, ed25519_key(KEYS["issuer_public"]))
        self.assertTrue(ok)
        self.assertEqual(msg.phdr_encoded, unhex(CRED["protected"]))
        self.assertEqual(msg.payload, unhex(CRED["payload"]))
        self.assertEqual(msg.signature, unhex(CRED["signature"]))
        # outer structure: tag 18, exactly {1: -8, 4: kid} protected, {} unprotected
        outer = cbor2.loads(cose)
        self.assertEqual(outer.tag, 18)
        self.assertEqual(outer.value[1], {})
        self.assertEqual(dcbor_decode(outer.value[0]), {1: -8, 4: KEYS["issuer_kid"]})
        self.assertEqual(cose[0], 0xD2)                 # tag 18, one byte
        self.assertEqual(dcbor(outer.value), cose[1:])
        self.assertEqual(sig_structure(unhex(CRED["protected"]), unhex(CRED["payload"])),
                         unhex(CRED["sig_structure"]))

    def test_credential_payload_is_the_cwt_of_section_5(self):
        claims = dcbor_decode(unhex(CRED["payload"]))
        self.assertEqual(set(claims), {1, 4, 5, 6, 8, 65535, -65537})
        self.assertEqual(claims[1], V["issuer"]["name"])
        self.assertEqual(claims[6], V["issued_at"])
        self.assertEqual(claims[5], claims[6])
        self.assertEqual(claims[6] % 86400, 0)
        expiry_date = HOLDER_VALUES[CLAIM_KEYS["expiry_date"]]
        self.assertEqual(claims[4], (expiry_date + 1) * 86400)
        self.assertEqual(claims[8], {1: {1: 1, -1: 6, -2: KEYS["device_public"]}})
        self.assertEqual(claims[65535], {"status_list": {
            "idx": CRED["status_index"], "uri": V["issuer"]["status_uri"]}})
        version, doc_type, doc_version, root = claims[-65537]
        self.assertEqual(version, FORMAT_VERSION)
        self.assertEqual(doc_type, DOC_TYPES[CRED["document"]])
        self.assertIsInstance(doc_version, int)
        self.assertGreaterEqual(doc_version, 1)
        self.assertEqual(root, unhex(CRED["commitment_root"]))
        self.assertEqual(len(root), 16)

    def test_credential_rejected_under_root_key(self):
        ok, _ = pycose_verify_sign1(unhex(CRED["cose_sign1"]),
                                    ed25519_key(KEYS["root_public"]))
        self.assertFalse(ok)

    def test_credential_rejected_after_flipping_any_payload_byte(self):
        cose = unhex(CRED["cose_sign1"])
        payload = unhex(CRED["payload"])
        start = cose.index(payload)
        key = ed25519_key(KEYS["issuer_public"])
        for i in range(len(payload)):
            forged = bytearray(cose)
            forged[start + i] ^= 0x01
            ok, msg = pycose_verify_sign1(bytes(forged), key)
            self.assertNotEqual(msg.payload, payload)
            self.assertFalse(ok, f"payload byte {i} flipped still verifies")


class TestTrustAndStatus(unittest.TestCase):
    """(b) FORMAT.md §7."""

    def test_trust_list_verifies_under_root_key(self):
        cose = unhex(V["trust_list"])
        ok, msg = pycose_verify_sign1(cose, ed25519_key(KEYS["root_public"]))
        self.assertTrue(ok)
        self.assertEqual(dcbor_decode(msg.phdr_encoded),
                         {1: -8, 16: "application/hawiya-trust-list+cwt"})
        ok, _ = pycose_verify_sign1(cose, ed25519_key(KEYS["issuer_public"]))
        self.assertFalse(ok)
        entries, payload = trust_list()
        self.assertEqual(set(payload), {1, 2, 3})
        self.assertIsInstance(payload[1], int)
        self.assertEqual(len(payload[3]), 1)
        entry = entries[KEYS["issuer_kid"]]
        self.assertEqual(set(entry), {1, 2, 3, 4, 5, 6})
        self.assertEqual(entry[2], KEYS["issuer_public"])
        self.assertEqual(entry[3], V["issuer"]["name"])
        self.assertEqual(entry[4], V["issuer"]["status_uri"])
        self.assertLessEqual(entry[5], V["issued_at"])
        self.assertLessEqual(V["issued_at"], entry[6])

    def test_status_list_token(self):
        entries, _ = trust_list()
        cose = unhex(V["status_list"]["token"])
        outer = cbor2.loads(cose)
        protected = dcbor_decode(outer.value[0])
        self.assertEqual(protected, {1: -8, 4: KEYS["issuer_kid"],
                                     16: "application/statuslist+cwt"})
        issuer = entries[protected[4]]
        ok, msg = pycose_verify_sign1(cose, ed25519_key(issuer[2]))
        self.assertTrue(ok)
        ok, _ = pycose_verify_sign1(cose, ed25519_key(KEYS["root_public"]))
        self.assertFalse(ok)
        payload = dcbor_decode(msg.payload)
        self.assertEqual(set(payload), {2, 4, 6, 65533, 65534})
        self.assertEqual(payload[2], issuer[4])
        self.assertEqual(payload[6], V["status_list"]["issued_at"])
        self.assertEqual(payload[65534], V["status_list"]["ttl"])
        self.assertEqual(payload[4], payload[6] + payload[65534])
        self.assertEqual(payload[65533]["bits"], 1)
        bits = zlib.decompress(payload[65533]["lst"])

        def bit(i):
            return (bits[i // 8] >> (i % 8)) & 1

        self.assertEqual(bit(7), 1)
        self.assertEqual(bit(V["status_list"]["revoked_index"]), 1)
        self.assertEqual(bit(5), 0)
        self.assertEqual(bit(CRED["status_index"]), 0)
        self.assertEqual([i for i in range(len(bits) * 8) if bit(i)], [7])


class TestCommitment(unittest.TestCase):
    """FORMAT.md §4 from the holder's side (uses holder.root_seed)."""

    def held(self):
        return HeldTree(DOC_TYPES[CRED["document"]], HOLDER_VALUES, ROOT_SEED,
                        SEALED_SEEDS)

    def test_root_from_holder_seeds(self):
        self.assertEqual(self.held().root, unhex(CRED["commitment_root"]))

    def test_holder_walk_writes_the_vector_proofs(self):
        held = self.held()
        for p in V["presentations"]:
            with self.subTest(p["name"]):
                keys = [CLAIM_KEYS[n] for n in p["disclosed"]]
                self.assertEqual(held.proof(keys).hex(), p["proof"])

    def test_proof_sizes_of_section_4_3(self):
        held = self.held()
        everything_but_portrait = [k for k in CLAIM_KEYS.values() if k <= 11]
        self.assertEqual(len(held.proof(everything_but_portrait)), 32)
        self.assertEqual(len(held.proof([2, 3, 1, 9])), 48)
        self.assertEqual(len(held.proof([10])), 32)
        # FORMAT.md §4.3 says "a single other claim: 4-6 chunks"; the tree of
        # §4.1 gives 4-8 (birth_date, sex, nationality 7; place_of_birth,
        # issue_date 8), printed below.
        singles = {CLAIM_NAMES[k]: len(held.proof([k])) // 16
                   for k in range(1, 15) if k in HOLDER_VALUES and k != 10}
        print(f"\n  note: single-claim proof chunks {singles}", end=" ... ")
        for k, n in singles.items():
            self.assertGreaterEqual(n, 4, k)


class TestPresentations(unittest.TestCase):
    """(c) every presentation, verified from its qr_text alone (plus the
    trust list), then compared with the other fields of the vector."""

    def check(self, p, cred=CRED, values=HOLDER_VALUES):
        entries, _ = trust_list()
        data, arr = parse_qr(p["qr_text"])
        guardian, device = tail(arr)
        self.assertEqual(guardian, cred.get("guardian"))
        issuer = entries[arr[1]]
        ok, protected, payload, root = verify_issuer_signature(arr, issuer)
        self.assertTrue(ok, "rebuilt issuer signature does not verify")
        self.assertEqual(root, unhex(cred["commitment_root"]))
        self.assertEqual(protected, unhex(cred["protected"]))
        self.assertEqual(payload, unhex(cred["payload"]))
        self.assertEqual(issuer[2], KEYS["issuer_public"])
        self.assertTrue(issuer[5] <= arr[2] * 86400 <= issuer[6])
        # the rest of the vector agrees with what was parsed
        self.assertEqual(data.hex(), p["bytes"])
        self.assertEqual(len(data), p["byte_count"])
        self.assertEqual(arr[9].hex(), p["proof"])
        self.assertEqual(sorted(arr[8]), sorted(CLAIM_KEYS[n] for n in p["disclosed"]))
        for k, v in arr[8].items():
            self.assertEqual(v, values[k], CLAIM_NAMES[k])
        self.assertEqual((len(data), len(p["qr_text"])), SIZE_TABLE[p["name"]])
        # §9 times, at verify_at (default policy: skew 30 s, freshness 120 s)
        now = p["verify_at"]
        self.assertLessEqual(arr[2] * 86400, now + 30)
        self.assertLess(now - 30, arr[3] * 86400)
        base_len = 11 if guardian is None else 12
        shown = p["challenge"]
        challenge = None if shown is None else (shown["code"], shown["issued_at"])
        failures, level = device_part_verdict(arr, now, challenge)
        self.assertEqual(failures, [])
        self.assertEqual(level, p["expected_assurance"])
        if p["presented_at"] is None:
            self.assertEqual(len(arr), base_len)
            self.assertIsNone(device)
            self.assertIsNone(arr[7], "a printed code carries no device key")
            self.assertEqual(cred["kind"], "print")
        else:
            self.assertEqual(cred["kind"], "phone")
            self.assertEqual(len(arr), base_len + 1)
            ts, code, device_sig = device
            self.assertTrue(verify_device_signature(arr),
                            "device signature does not verify")
            self.assertEqual(ts, p["presented_at"])
            self.assertEqual(code, None if shown is None else shown["code"])
            # the device signature covers the issuer signature, the claims,
            # the guardian and the challenge code
            forged = [*arr[:10], bytes(64), *arr[11:]]
            self.assertFalse(verify_device_signature(forged))
            forged = [*arr[:-1], [ts + 1, code, device_sig]]
            self.assertFalse(verify_device_signature(forged))
            other = CHALLENGE_MIN if code != CHALLENGE_MIN else CHALLENGE_MAX
            forged = [*arr[:-1], [ts, other, device_sig]]
            self.assertFalse(verify_device_signature(forged))
            if guardian is not None:
                forged = [*arr[:11], 2345678901, device]
                self.assertFalse(verify_device_signature(forged))


def _presentation_test(p, *args):
    def test(self):
        self.check(p, *args)
    test.__doc__ = f"presentation {p['name']!r}: from qr_text, rebuild and verify"
    return test


for _name, _p in PRESENTATIONS.items():
    setattr(TestPresentations, f"test_presentation_{_name}", _presentation_test(_p))
for _name, _p in PRINT_PRESENTATIONS.items():
    setattr(TestPresentations, f"test_presentation_{_name}",
            _presentation_test(_p, PRINT_CRED, PRINT_VALUES))
for _name, _p in DEP_PRESENTATIONS.items():
    setattr(TestPresentations, f"test_presentation_{_name}",
            _presentation_test(_p, DEP_CRED, DEP_VALUES))
for _name, _p in DEP_PRINT_PRESENTATIONS.items():
    setattr(TestPresentations, f"test_presentation_{_name}",
            _presentation_test(_p, DEP_PRINT["credential"], holder_values(DEP_PRINT["holder"])))


class TestPrintCredential(unittest.TestCase):
    """§5.2: a phone-bound credential and a print-only one, told apart by
    cnf under the issuer's signature; a phone code cannot become a printed one."""

    def setUp(self):
        self.issuer = trust_list()[0][KEYS["issuer_kid"]]

    def test_print_credential_has_no_cnf_and_its_own_status_index_and_seeds(self):
        cose = unhex(PRINT_CRED["cose_sign1"])
        ok, msg = pycose_verify_sign1(cose, ed25519_key(KEYS["issuer_public"]))
        self.assertTrue(ok)
        claims = dcbor_decode(msg.payload)
        self.assertEqual(set(claims), {1, 4, 5, 6, 65535, -65537})
        self.assertEqual(claims[-65537][0], FORMAT_VERSION)
        self.assertNotEqual(PRINT_CRED["status_index"], CRED["status_index"])
        self.assertNotEqual(PRINT_CRED["commitment_root"], CRED["commitment_root"])
        self.assertEqual(PRINT_VALUES, HOLDER_VALUES, "the same claims")
        held = HeldTree(DOC_TYPES[PRINT_CRED["document"]], PRINT_VALUES,
                        unhex(PRINT["holder"]["root_seed"]),
                        [unhex(s) for s in PRINT["holder"]["sealed_seeds"]])
        self.assertEqual(held.root, unhex(PRINT_CRED["commitment_root"]))

    def test_every_phone_code_without_its_device_part_is_refused(self):
        phone = [*V["presentations"], *DEP["presentations"]]
        self.assertGreater(len(phone), 3)
        for p in phone:
            _, arr = parse_qr(p["qr_text"])
            guardian, device = tail(arr)
            self.assertIsNotNone(device, p["name"])
            stripped = arr[:-1]
            text = f"HW{FORMAT_VERSION}:" + b45encode(dcbor(stripped))
            _, reparsed = parse_qr(text)       # well formed...
            # ...and genuine, but phone-bound: refused whatever the policy
            self.assertTrue(verify_issuer_signature(reparsed, self.issuer)[0], p["name"])
            self.assertEqual(device_part_verdict(reparsed, p["verify_at"]),
                             (["device_signature_required"], None), p["name"])
            # with the device key nulled as well, it is a credential the
            # issuer never signed
            nulled = [*stripped[:7], None, *stripped[8:]]
            self.assertFalse(verify_issuer_signature(nulled, self.issuer)[0], p["name"])

    def test_a_printed_code_cannot_take_a_device_part(self):
        _, printed = parse_qr(PRINT_PRESENTATIONS["printed_full"]["qr_text"])
        _, phone = parse_qr(PRESENTATIONS["full"]["qr_text"])
        text = f"HW{FORMAT_VERSION}:" + b45encode(dcbor([*printed, phone[-1]]))
        with self.assertRaises(Malformed):
            parse_qr(text)


class TestChallenge(unittest.TestCase):
    """§11: the challenge code, its QR text, and what a wrong or late answer gives."""

    def test_the_challenge_and_its_qr_text(self):
        code = CHALLENGE["code"]
        self.assertTrue(CHALLENGE_MIN <= code <= CHALLENGE_MAX)
        self.assertEqual(CHALLENGE["qr_text"], f"HWC:{code}")
        self.assertTrue(all(c in B45_ALPHABET for c in CHALLENGE["qr_text"]))
        # a 5-byte unsigned integer: 4 bytes more than null
        self.assertEqual(len(dcbor(code)), 5)
        self.assertEqual(SIZE_TABLE["age_over_18_challenged"][0],
                         SIZE_TABLE["age_over_18"][0] + 4)

    def test_wrong_late_or_missing_answers(self):
        answered = parse_qr(PRESENTATIONS["age_over_18_challenged"]["qr_text"])[1]
        timed = parse_qr(PRESENTATIONS["age_over_18"]["qr_text"])[1]
        printed = parse_qr(PRINT_PRESENTATIONS["printed_age_over_18"]["qr_text"])[1]
        code, issued_at = CHALLENGE["code"], CHALLENGE["issued_at"]
        now = PRESENTATIONS["age_over_18_challenged"]["verify_at"]
        other = code + 1 if code < CHALLENGE_MAX else CHALLENGE_MIN
        self.assertEqual(device_part_verdict(answered, now, (code, issued_at)), ([], "challenged"))
        self.assertEqual(device_part_verdict(answered, now, (other, issued_at)),
                         (["challenge_mismatch"], None))
        self.assertEqual(device_part_verdict(answered, issued_at + 151, (code, issued_at)),
                         (["challenge_expired"], None))
        self.assertEqual(device_part_verdict(answered, now), ([], "timed"),
                         "without a challenge shown, at most timed")
        self.assertEqual(device_part_verdict(timed, now, (code, issued_at)),
                         (["challenge_not_answered"], None))
        self.assertEqual(device_part_verdict(printed, now, (code, issued_at)),
                         (["challenge_not_answered"], None))
        for bad in [99999, 1000000, -1, "492817", b"nonce"]:
            forged = [*answered[:-1], [answered[-1][0], bad, answered[-1][2]]]
            with self.assertRaises(Malformed, msg=repr(bad)):
                parse_qr(f"HW{FORMAT_VERSION}:" + b45encode(dcbor(forged)))


class TestDependent(unittest.TestCase):
    """§5.1: the dependent's credential carries its guardian as the fifth
    element of the hawiya claim; presentations carry it after issuer_sig."""

    def setUp(self):
        self.issuer = trust_list()[0][KEYS["issuer_kid"]]

    def test_credential_verifies_and_names_the_guardian(self):
        cose = unhex(DEP_CRED["cose_sign1"])
        ok, msg = pycose_verify_sign1(cose, ed25519_key(KEYS["issuer_public"]))
        self.assertTrue(ok)
        self.assertEqual(msg.payload, unhex(DEP_CRED["payload"]))
        self.assertEqual(sig_structure(unhex(DEP_CRED["protected"]),
                                       unhex(DEP_CRED["payload"])),
                         unhex(DEP_CRED["sig_structure"]))
        claims = dcbor_decode(msg.payload)
        self.assertEqual(set(claims), {1, 4, 5, 6, 8, 65535, -65537})
        # cnf is the guardian's device key: the fixture device
        self.assertEqual(claims[8], {1: {1: 1, -1: 6, -2: KEYS["device_public"]}})
        version, doc_type, doc_version, root, guardian = claims[-65537]
        self.assertEqual((version, doc_type), (FORMAT_VERSION, DOC_TYPES[DEP_CRED["document"]]))
        self.assertEqual(root, unhex(DEP_CRED["commitment_root"]))
        self.assertEqual(guardian, DEP_CRED["guardian"])
        self.assertTrue(is_guardian(guardian))
        # a uint with a 4-byte argument, the last item of the payload (the
        # hawiya claim's key -65537 sorts last), encoded as document_number is
        self.assertEqual(dcbor(guardian), bytes.fromhex("1a499602d2"))
        self.assertTrue(msg.payload.endswith(dcbor(guardian)))
        # the guardian is the fixture holder, not the dependent
        self.assertEqual(guardian, HOLDER_VALUES[CLAIM_KEYS["document_number"]])
        self.assertNotEqual(guardian, DEP_VALUES[CLAIM_KEYS["document_number"]])
        # the ordinary credential's hawiya array has exactly four elements
        self.assertEqual(len(dcbor_decode(unhex(CRED["payload"]))[-65537]), 4)

    def test_root_from_holder_seeds(self):
        held = HeldTree(DOC_TYPES[DEP_CRED["document"]], DEP_VALUES,
                        unhex(DEP["holder"]["root_seed"]),
                        [unhex(s) for s in DEP["holder"]["sealed_seeds"]])
        self.assertEqual(held.root, unhex(DEP_CRED["commitment_root"]))
        for p in DEP["presentations"]:
            keys = [CLAIM_KEYS[n] for n in p["disclosed"]]
            self.assertEqual(held.proof(keys).hex(), p["proof"], p["name"])

    def test_changing_adding_or_dropping_the_guardian_fails(self):
        for p in DEP["presentations"]:
            _, arr = parse_qr(p["qr_text"])
            self.assertTrue(verify_issuer_signature(arr, self.issuer)[0])
            _, device = tail(arr)
            rest = [] if device is None else [device]
            for forged in ([*arr[:11], 2345678901, *rest],     # another guardian
                           [*arr[:11], *rest]):                 # guardian dropped
                self.assertFalse(verify_issuer_signature(forged, self.issuer)[0],
                                 p["name"])
        # a guardian added to an ordinary presentation
        for p in V["presentations"]:
            _, arr = parse_qr(p["qr_text"])
            _, device = tail(arr)
            rest = [] if device is None else [device]
            forged = [*arr[:11], DEP_CRED["guardian"], *rest]
            self.assertFalse(verify_issuer_signature(forged, self.issuer)[0], p["name"])

    def test_bad_guardians_are_malformed(self):
        qr_text = DEP_PRINT_PRESENTATIONS["dependent_printed_full"]["qr_text"]
        _, arr = parse_qr(qr_text)
        self.assertEqual(len(arr), 12)
        prefix = f"HW{FORMAT_VERSION}:"
        self.assertEqual(prefix + b45encode(dcbor(arr)), qr_text)   # the encoder is faithful
        for bad in [0, 123456789, 999999999, 12345678901, 3234567890, 2**64 - 1,
                    -1234567890, "1234567890", b"1234567890", True, None]:
            data = dcbor([*arr[:11], bad])
            text = prefix + b45encode(data)
            with self.assertRaises(Malformed, msg=repr(bad)):
                parse_qr(text)


class TestNegative(unittest.TestCase):
    """(d) the age_over_18 presentation, tampered with."""

    def setUp(self):
        self.issuer = trust_list()[0][KEYS["issuer_kid"]]
        _, self.arr = parse_qr(PRESENTATIONS["age_over_18"]["qr_text"])

    def test_untampered_verifies(self):
        self.assertTrue(verify_issuer_signature(self.arr, self.issuer)[0])

    def test_age_over_18_false_fails(self):
        arr = list(self.arr)
        self.assertIs(arr[8][10], True)
        arr[8] = {10: False}
        ok, _, _, root = verify_issuer_signature(arr, self.issuer)
        self.assertNotEqual(root, unhex(CRED["commitment_root"]))
        self.assertFalse(ok)

    def test_every_proof_bit_flip_fails(self):
        proof = self.arr[9]
        for i in range(len(proof) * 8):
            forged = bytearray(proof)
            forged[i // 8] ^= 1 << (i % 8)
            arr = list(self.arr)
            arr[9] = bytes(forged)
            self.assertFalse(verify_issuer_signature(arr, self.issuer)[0],
                             f"proof bit {i} flipped still verifies")

    def test_bad_proof_lengths_rejected(self):
        for proof in (self.arr[9][:-1], self.arr[9][:16], self.arr[9] + bytes(16)):
            arr = list(self.arr)
            arr[9] = proof
            with self.assertRaises(ProofError):
                rebuild_credential(arr, self.issuer)


class TestHiding(unittest.TestCase):
    """(e) the age_over_18 proof reveals no other claim's salt or seed."""

    def test_age_over_18_proof_reveals_no_other_seed(self):
        held = HeldTree(DOC_TYPES[CRED["document"]], HOLDER_VALUES, ROOT_SEED,
                        SEALED_SEEDS)
        _, arr = parse_qr(PRESENTATIONS["age_over_18"]["qr_text"])
        chunks = [arr[9][i:i + 16] for i in range(0, len(arr[9]), 16)]
        age_salt = child_seed(ROOT_SEED, 0)       # age_over_18 is the root's left leaf
        self.assertEqual(chunks[0], age_salt)     # its own salt is disclosed
        others = {seed: where for where, seed in held.seeds if seed != age_salt}
        self.assertIn(ROOT_SEED, others)
        self.assertGreater(len(others), 20)
        for c in chunks:
            self.assertNotIn(c, others, f"chunk is the seed at {others.get(c)}")

    def test_sealed_seed_appears_in_no_proof(self):
        self.assertEqual(len(SEALED_SEEDS), 1)
        sealed = SEALED_SEEDS[0]
        # the sealed seed is independent of the root seed's tree
        portrait_parent = child_seed(child_seed(child_seed(ROOT_SEED, 1), 1), 1)
        self.assertNotEqual(sealed, child_seed(portrait_parent, 1))
        for p in V["presentations"]:
            _, arr = parse_qr(p["qr_text"])
            proof = arr[9]
            chunks = [proof[i:i + 16] for i in range(0, len(proof), 16)]
            self.assertNotIn(sealed, chunks, p["name"])
            self.assertNotIn(sealed.hex(), p["bytes"], p["name"])


class TestRejections(unittest.TestCase):
    """The rejection vectors: every one refused by the §9 verifier above,
    for exactly its expected reasons, and every reason code covered."""

    REASONS = {
        "assurance_below_minimum", "bad_device_signature", "bad_issuer_signature",
        "challenge_expired", "challenge_mismatch", "challenge_not_answered",
        "credential_expired", "credential_not_yet_valid", "device_signature_required",
        "issuer_key_not_valid", "malformed", "presentation_from_future",
        "presentation_stale", "replayed", "revoked", "status_stale", "status_unknown",
        "unknown_issuer_key", "unsupported_version",
    }

    def test_every_reason_code_has_a_vector(self):
        covered = {r for v in REJECTIONS for r in v["expected_failures"]}
        self.assertEqual(self.REASONS - covered, set())

    def test_the_accepted_vectors_pass_the_same_verifier(self):
        status = unhex(V["status_list"]["token"])
        for p in [*V["presentations"], *PRINT["presentations"], *DEP["presentations"],
                  *DEP_PRINT["presentations"]]:
            shown = p["challenge"]
            challenge = None if shown is None else (shown["code"], shown["issued_at"])
            verifier = Verifier(status_token=status)
            self.assertEqual(verifier.verify(p["qr_text"], p["verify_at"], challenge),
                             ([], p["expected_assurance"]), p["name"])


def _rejection_test(v):
    def test(self):
        status = unhex(V["status_list"]["token"]) if v["status_list"] else None
        verifier = Verifier(v["policy"]["min_assurance"], v["policy"]["require_fresh_status"],
                            status)
        shown = v["challenge"]
        challenge = None if shown is None else (shown["code"], shown["issued_at"])
        for _ in range(v["scans"] - 1):
            self.assertEqual(verifier.verify(v["qr_text"], v["verify_at"], challenge)[0], [])
        failures, level = verifier.verify(v["qr_text"], v["verify_at"], challenge)
        self.assertEqual(sorted(failures), sorted(v["expected_failures"]))
        self.assertIsNone(level)
        self.assertEqual(v["expected"], "rejected")
    test.__doc__ = f"rejection {v['name']!r}: refused for {v['expected_failures']}"
    return test


for _v in REJECTIONS:
    setattr(TestRejections, f"test_rejection_{_v['name']}", _rejection_test(_v))


# --------------------------------------------------------------------------
# Runner: count tests (a test with several failing subtests counts once).

class CountingResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.failed_ids = set()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed_ids.add(test.id())

    def addError(self, test, err):
        super().addError(test, err)
        self.failed_ids.add(getattr(test, "id", lambda: str(test))())

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.failed_ids.add(test.id())

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.failed_ids.add(test.id())


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2,
                                     resultclass=CountingResult)
    result = runner.run(suite)
    failed = len(result.failed_ids)
    passed = result.testsRun - failed - len(result.skipped)
    sys.stdout.flush()
    print(f"python: {passed} passed, {failed} failed", flush=True)
    return 1 if failed or result.testsRun == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
