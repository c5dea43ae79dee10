//! `hawiya verify --json` is an interface: every object it prints matches
//! docs/verdict.schema.json. Each accepted and each rejection vector of
//! docs/test-vectors.json is verified through the CLI, and its output is
//! checked against the schema (and against the vector's expected verdict).
//!
//! The schema is checked with a small validator below that implements the
//! JSON Schema keywords the schema uses and refuses any other keyword, so the
//! schema cannot silently rely on one that is not checked here.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common;
use common::{code, s, scratch, stderr, stdout};

fn docs(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../docs")
        .join(file)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// The JSON Schema (2020-12) subset docs/verdict.schema.json uses.
struct Schema {
    root: Value,
}

impl Schema {
    fn load() -> Schema {
        Schema {
            root: read_json(&docs("verdict.schema.json")),
        }
    }

    /// Every way `value` fails `schema`, with the JSON path; empty if valid.
    fn errors(&self, schema: &Value, value: &Value, path: &str) -> Vec<String> {
        let mut errors = Vec::new();
        let Some(keywords) = schema.as_object() else {
            panic!("schema at {path} is not an object: {schema}");
        };
        let mut fail = |msg: String| errors.push(format!("{path}: {msg}"));
        for (keyword, arg) in keywords {
            match keyword.as_str() {
                "$schema" | "$id" | "title" | "description" | "$defs" => {}
                "$ref" => {
                    let name = arg
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/$defs/"))
                        .unwrap_or_else(|| panic!("unsupported $ref {arg}"));
                    let target = &self.root["$defs"][name];
                    assert!(!target.is_null(), "$ref to missing {name}");
                    for e in self.errors(target, value, path) {
                        fail(e);
                    }
                }
                "oneOf" => {
                    let matching = arg
                        .as_array()
                        .expect("oneOf array")
                        .iter()
                        .filter(|s| self.errors(s, value, path).is_empty())
                        .count();
                    if matching != 1 {
                        fail(format!("matches {matching} of oneOf, not exactly 1"));
                    }
                }
                "type" => {
                    let types: Vec<&str> = match arg {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                        _ => panic!("bad type {arg}"),
                    };
                    if !types.iter().any(|t| has_type(value, t)) {
                        fail(format!("{value} is not of type {types:?}"));
                    }
                }
                "enum" => {
                    if !arg.as_array().expect("enum array").contains(value) {
                        fail(format!("{value} is not one of {arg}"));
                    }
                }
                "const" => {
                    if arg != value {
                        fail(format!("{value} is not {arg}"));
                    }
                }
                "required" => {
                    if let Some(object) = value.as_object() {
                        for name in arg.as_array().expect("required array") {
                            let name = name.as_str().expect("required name");
                            if !object.contains_key(name) {
                                fail(format!("missing {name}"));
                            }
                        }
                    }
                }
                "properties" => {
                    if let Some(object) = value.as_object() {
                        for (name, sub) in arg.as_object().expect("properties object") {
                            if let Some(v) = object.get(name) {
                                for e in self.errors(sub, v, &format!("{path}.{name}")) {
                                    fail(e);
                                }
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Some(object) = value.as_object() {
                        let known = keywords.get("properties").and_then(Value::as_object);
                        for (name, v) in object {
                            if known.is_some_and(|k| k.contains_key(name)) {
                                continue;
                            }
                            match arg {
                                Value::Bool(false) => fail(format!("unexpected property {name}")),
                                Value::Bool(true) => {}
                                sub => {
                                    for e in self.errors(sub, v, &format!("{path}.{name}")) {
                                        fail(e);
                                    }
                                }
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = value.as_array() {
                        for (i, v) in items.iter().enumerate() {
                            for e in self.errors(arg, v, &format!("{path}[{i}]")) {
                                fail(e);
                            }
                        }
                    }
                }
                "minItems" | "maxItems" => {
                    if let Some(items) = value.as_array() {
                        check_bound(keyword, arg, items.len(), &mut fail);
                    }
                }
                "maxProperties" => {
                    if let Some(object) = value.as_object() {
                        check_bound(keyword, arg, object.len(), &mut fail);
                    }
                }
                "minLength" | "maxLength" => {
                    if let Some(text) = value.as_str() {
                        check_bound(keyword, arg, text.chars().count(), &mut fail);
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(v), Some(limit)) = (value.as_f64(), arg.as_f64()) {
                        let ok = if keyword == "minimum" {
                            v >= limit
                        } else {
                            v <= limit
                        };
                        if !ok {
                            fail(format!("{v} is outside {keyword} {limit}"));
                        }
                    }
                }
                other => {
                    panic!("docs/verdict.schema.json uses {other}, which this test does not check")
                }
            }
        }
        errors
    }

    fn check(&self, value: &Value) -> Vec<String> {
        self.errors(&self.root, value, "$")
    }
}

fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        other => panic!("unknown type {other}"),
    }
}

fn check_bound(keyword: &str, arg: &Value, n: usize, fail: &mut impl FnMut(String)) {
    let limit = arg.as_u64().expect("bound") as usize;
    let ok = if keyword.starts_with("min") {
        n >= limit
    } else {
        n <= limit
    };
    if !ok {
        fail(format!("{n} breaks {keyword} {limit}"));
    }
}

/// The vectors' trust list, root key and status list as files in `dir`.
fn vector_files(dir: &Path, vectors: &Value) -> (PathBuf, PathBuf) {
    let trust = dir.join("trust-list.cbor");
    std::fs::write(
        &trust,
        hex::decode(vectors["trust_list"].as_str().expect("trust list")).expect("hex"),
    )
    .expect("write trust list");
    std::fs::write(
        dir.join("root.pub"),
        serde_json::to_vec(&json!({
            "kind": "root",
            "public_key": vectors["keys"]["root_public"],
        }))
        .expect("json"),
    )
    .expect("write root key");
    let status = dir.join("status-list.cbor");
    std::fs::write(
        &status,
        hex::decode(vectors["status_list"]["token"].as_str().expect("token")).expect("hex"),
    )
    .expect("write status list");
    (trust, status)
}

/// Runs `hawiya verify --json` on one vector; returns the exit code and the
/// parsed output.
fn verify_vector(dir: &Path, trust: &Path, status: &Path, v: &Value, n: usize) -> (i32, Value) {
    let at = v["verify_at"].to_string();
    let mut args: Vec<String> = [
        "verify",
        "--json",
        "--trust-list",
        s(trust),
        "--root-key",
        s(&dir.join("root.pub")),
        "--at",
        &at,
        "--text",
        v["qr_text"].as_str().expect("qr text"),
    ]
    .map(String::from)
    .to_vec();
    if v["status_list"].as_bool() != Some(false) {
        args.extend(["--status-list".into(), s(status).into()]);
    }
    if let Some(policy) = v.get("policy") {
        args.extend([
            "--min-assurance".into(),
            policy["min_assurance"].as_str().expect("level").into(),
        ]);
        if policy["require_fresh_status"] == true {
            args.push("--require-fresh-status".into());
        }
    }
    if let Some(challenge) = v["challenge"].as_object() {
        let file = dir.join(format!("challenge-{n}.json"));
        std::fs::write(
            &file,
            json!({
                "kind": "hawiya challenge",
                "code": challenge["code"].to_string(),
                "issued_at": challenge["issued_at"],
            })
            .to_string(),
        )
        .expect("write challenge");
        args.extend(["--challenge-from".into(), s(&file).into()]);
    }
    let state = dir.join(format!("memory-{n}.json"));
    if v["scans"].as_u64().unwrap_or(1) > 1 {
        args.extend(["--state".into(), s(&state).into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut out = common::run(&args, &[]);
    for _ in 1..v["scans"].as_u64().unwrap_or(1) {
        assert_eq!(code(&out), 0, "{}: scan before the replay", v["name"]);
        out = common::run(&args, &[]);
    }
    let json: Value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{}: {e}: {}{}", v["name"], stdout(&out), stderr(&out)));
    (code(&out), json)
}

#[test]
fn every_verdict_of_the_vectors_matches_the_schema() {
    let schema = Schema::load();
    let vectors = read_json(&docs("test-vectors.json"));
    let dir = scratch("verdict-schema");
    let (trust, status) = vector_files(&dir, &vectors);
    let accepted: Vec<&Value> = [
        &vectors["presentations"],
        &vectors["print"]["presentations"],
        &vectors["dependent"]["presentations"],
        &vectors["dependent"]["print"]["presentations"],
    ]
    .iter()
    .flat_map(|list| list.as_array().expect("presentations"))
    .collect();
    let mut n = 0;
    let mut levels = std::collections::BTreeSet::new();
    for v in accepted {
        n += 1;
        let (exit, json) = verify_vector(&dir, &trust, &status, v, n);
        assert_eq!(exit, 0, "{}: {json}", v["name"]);
        assert_eq!(schema.check(&json), Vec::<String>::new(), "{}", v["name"]);
        assert_eq!(json["assurance"], v["expected_assurance"], "{}", v["name"]);
        levels.insert(json["assurance"].as_str().expect("level").to_owned());
    }
    assert_eq!(levels.len(), 3, "every assurance level: {levels:?}");
    let mut reasons = std::collections::BTreeSet::new();
    for v in vectors["rejections"]["vectors"]
        .as_array()
        .expect("rejections")
    {
        n += 1;
        let (exit, json) = verify_vector(&dir, &trust, &status, v, n);
        assert_eq!(schema.check(&json), Vec::<String>::new(), "{}", v["name"]);
        if v["policy"]["min_assurance"] == "challenged" && v["challenge"].is_null() {
            // The CLI refuses to require challenged codes without showing a
            // challenge: a usage error, exit 2, still one schema object.
            assert_eq!(exit, 2, "{}: {json}", v["name"]);
            assert!(json["error"].is_string(), "{json}");
            continue;
        }
        assert_eq!(exit, 1, "{}: {json}", v["name"]);
        let codes: Vec<&Value> = json["failures"]
            .as_array()
            .expect("failures")
            .iter()
            .map(|f| &f["code"])
            .collect();
        let expected: Vec<&Value> = v["expected_failures"]
            .as_array()
            .expect("expected")
            .iter()
            .collect();
        assert_eq!(codes, expected, "{}", v["name"]);
        reasons.extend(codes.iter().filter_map(|c| c.as_str()).map(String::from));
    }
    // Every failure code in the schema's list is produced by some vector.
    let listed: std::collections::BTreeSet<String> = schema.root["$defs"]["failure"]["properties"]
        ["code"]["enum"]
        .as_array()
        .expect("failure codes")
        .iter()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect();
    assert_eq!(
        listed, reasons,
        "the schema's failure codes and the vectors'"
    );
}

#[test]
fn the_schema_refuses_what_a_script_could_misread() {
    let schema = Schema::load();
    let accepted = json!({
        "accepted": true, "verdict": "accepted", "assurance": "timed",
        "mode": "device_bound", "failures": [], "warnings": [],
        "document_type": "national_id", "document_version": 1, "guardian": null,
        "issuer": "Test", "expires_at": 2019686400, "presented_at": 1704844900,
        "claims": {"age_over_18": true}, "min_assurance": "printed",
    });
    assert_eq!(schema.check(&accepted), Vec::<String>::new());
    let with = |key: &str, value: Value| {
        let mut v = accepted.clone();
        v[key] = value;
        v
    };
    for (what, bad) in [
        // The verdict of the previous format: "high" or "lower".
        ("the old assurance words", with("assurance", json!("high"))),
        ("accepted without a level", with("assurance", Value::Null)),
        (
            "accepted with a failure",
            with(
                "failures",
                json!([{"code": "revoked", "message": "revoked"}]),
            ),
        ),
        ("a rejected verdict with a level", {
            let mut v = with("accepted", json!(false));
            v["verdict"] = json!("rejected");
            v["failures"] = json!([{"code": "revoked", "message": "revoked"}]);
            v["claims"] = json!({});
            v
        }),
        ("an unknown field", with("nonce", json!("00"))),
        ("an unknown claim", with("claims", json!({"height": "180"}))),
        ("no min_assurance", {
            let mut v = accepted.clone();
            v.as_object_mut().expect("object").remove("min_assurance");
            v
        }),
    ] {
        assert!(!schema.check(&bad).is_empty(), "{what} passed the schema");
    }
    let error = json!({"accepted": false, "error": "trust-list.cbor: not found"});
    assert_eq!(schema.check(&error), Vec::<String>::new());
    assert!(!schema
        .check(&json!({"accepted": true, "error": "x"}))
        .is_empty());
}
