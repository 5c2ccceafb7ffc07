//! The JSON report: the `seawall.report/v1` contract (`docs/report-schema.md`).
//!
//! The JSON form is the serde form of [`Report`], pretty-printed with a trailing newline;
//! besides what JSON must escape, C1 controls, bidi and invisible characters are written
//! as `\uXXXX` escapes (the same value, and safe on a terminal).
//! Fields may be added within v1, never removed or renamed.

use super::Report;

/// Render the report as pretty-printed JSON with a trailing newline.
pub fn render_json(report: &Report) -> String {
    // The model holds only strings, integers, enums and sequences: serializing it cannot fail.
    // C1, bidi and invisible characters are `\uXXXX` escapes (`crate::sanitize::SafeJson`):
    // the same value, and safe when printed to a terminal.
    let mut s = crate::sanitize::to_json_pretty(report)
        .expect("a Report serializes to JSON: it holds no maps with non-string keys");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{big_report, sample_report};
    use crate::risk::Weighting;
    use serde_json::Value;
    use std::collections::BTreeSet;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Ty {
        Str,
        Num,
        Arr,
        Obj,
        StrOrNull,
        BoolOrNull,
    }

    fn check_type(v: &Value, ty: Ty, at: &str) {
        let ok = match ty {
            Ty::Str => v.is_string(),
            Ty::Num => v.is_u64(),
            Ty::Arr => v.is_array(),
            Ty::Obj => v.is_object(),
            Ty::StrOrNull => v.is_string() || v.is_null(),
            Ty::BoolOrNull => v.is_boolean() || v.is_null(),
        };
        assert!(ok, "{at}: expected {ty:?}, got {v}");
    }

    /// `v` is an object with exactly these keys, each of the given type.
    fn exact(v: &Value, keys: &[(&str, Ty)], at: &str) {
        let obj = v
            .as_object()
            .unwrap_or_else(|| panic!("{at} is not an object"));
        let have: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
        let want: BTreeSet<&str> = keys.iter().map(|(k, _)| *k).collect();
        assert_eq!(have, want, "keys of {at}");
        for (k, ty) in keys {
            check_type(&obj[*k], *ty, &format!("{at}.{k}"));
        }
    }

    const FINDING: &[(&str, Ty)] = &[
        ("id", Ty::Str),
        ("severity", Ty::Str),
        ("title", Ty::Str),
        ("cis", Ty::StrOrNull),
        ("technique", Ty::Str),
        ("evidence", Ty::Str),
        ("fix", Ty::Str),
    ];
    const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];
    const BANDS: &[&str] = &["critical", "high", "medium", "low"];

    fn check_findings(v: &Value, at: &str) {
        for (i, f) in v.as_array().unwrap().iter().enumerate() {
            let at = format!("{at}[{i}]");
            exact(f, FINDING, &at);
            assert!(
                SEVERITIES.contains(&f["severity"].as_str().unwrap()),
                "{at}.severity"
            );
        }
    }

    #[test]
    fn json_has_exactly_the_contract_keys_and_types() {
        let text = render_json(&sample_report());
        assert!(text.ends_with("}\n"));
        assert!(text.contains("\n  \"schema\""), "pretty-printed");
        let v: Value = serde_json::from_str(&text).unwrap();
        exact(
            &v,
            &[
                ("schema", Ty::Str),
                ("generated_at", Ty::Str),
                ("tool_version", Ty::Str),
                ("hosts", Ty::Arr),
            ],
            "$",
        );
        assert_eq!(v["schema"], "seawall.report/v1");
        assert!(chrono::DateTime::parse_from_rfc3339(v["generated_at"].as_str().unwrap()).is_ok());
        for (h, host) in v["hosts"].as_array().unwrap().iter().enumerate() {
            let at = format!("$.hosts[{h}]");
            exact(
                host,
                &[
                    ("endpoint", Ty::Str),
                    ("name", Ty::Str),
                    ("engine", Ty::Obj),
                    ("posture", Ty::Obj),
                    ("containers", Ty::Arr),
                ],
                &at,
            );
            exact(
                &host["engine"],
                &[
                    ("product", Ty::Str),
                    ("version", Ty::Str),
                    ("api_version", Ty::Str),
                    ("os", Ty::Str),
                    ("kernel", Ty::Str),
                    ("runc", Ty::Str),
                    ("containerd", Ty::Str),
                    ("oci_runtime", Ty::Str),
                    ("oci_runtime_version", Ty::Str),
                    ("cgroup_driver", Ty::Str),
                    ("rootless", Ty::BoolOrNull),
                ],
                &format!("{at}.engine"),
            );
            exact(
                &host["posture"],
                &[("score", Ty::Num), ("band", Ty::Str), ("findings", Ty::Arr)],
                &format!("{at}.posture"),
            );
            assert!(BANDS.contains(&host["posture"]["band"].as_str().unwrap()));
            check_findings(
                &host["posture"]["findings"],
                &format!("{at}.posture.findings"),
            );
            for (c, cont) in host["containers"].as_array().unwrap().iter().enumerate() {
                let at = format!("{at}.containers[{c}]");
                exact(
                    cont,
                    &[
                        ("id", Ty::Str),
                        ("name", Ty::Str),
                        ("image", Ty::Str),
                        ("state", Ty::Str),
                        ("score", Ty::Num),
                        ("band", Ty::Str),
                        ("findings", Ty::Arr),
                    ],
                    &at,
                );
                assert!(cont["score"].as_u64().unwrap() <= 100);
                assert!(BANDS.contains(&cont["band"].as_str().unwrap()), "{at}.band");
                check_findings(&cont["findings"], &format!("{at}.findings"));
            }
        }
    }

    #[test]
    fn cis_is_null_when_none_and_a_string_otherwise() {
        let v: Value = serde_json::from_str(&render_json(&sample_report())).unwrap();
        let all: Vec<&Value> = v["hosts"][0]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["findings"].as_array().unwrap())
            .collect();
        let medium = all.iter().find(|f| f["id"] == "SW-MEM-001").unwrap();
        assert!(medium.as_object().unwrap().contains_key("cis"));
        assert_eq!(medium["cis"], Value::Null);
        let privileged = all.iter().find(|f| f["id"] == "SW-PRIV-001").unwrap();
        assert_eq!(privileged["cis"], "5.5");
        assert_eq!(privileged["severity"], "critical");
    }

    // --- The published JSON Schema agrees with the renderer. ---

    const SCHEMA_FILE: &str = include_str!("../../docs/report.schema.json");

    /// A validator for the subset of JSON Schema 2020-12 that `docs/report.schema.json` uses:
    /// `$ref` (local `#/$defs/...`), `type`, `const`, `enum`, `required`, `properties`,
    /// `items`, `minimum`, `maximum`. Returns every violation with its path.
    fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/$defs/").expect("only local $defs refs");
            validate(root, &root["$defs"][name], v, at, errs);
        }
        // `anyOf` / `oneOf` (Option<T> and documented enum variants): how many branches
        // accept the value.
        for (keyword, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
                let fits = branches
                    .iter()
                    .filter(|b| {
                        let mut e = Vec::new();
                        validate(root, b, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                if fits == 0 || (exactly_one && fits > 1) {
                    errs.push(format!("{at}: {keyword} matched {fits} branches, got {v}"));
                }
            }
        }
        if let Some(t) = schema.get("type") {
            let types: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => panic!("bad type keyword at {at}"),
            };
            let ok = types.iter().any(|t| match *t {
                "string" => v.is_string(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                "null" => v.is_null(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                other => panic!("unknown type {other}"),
            });
            if !ok {
                errs.push(format!("{at}: type {types:?}, got {v}"));
            }
        }
        if let Some(c) = schema.get("const")
            && c != v
        {
            errs.push(format!("{at}: const {c}, got {v}"));
        }
        if let Some(e) = schema.get("enum").and_then(Value::as_array)
            && !e.contains(v)
        {
            errs.push(format!("{at}: enum {e:?}, got {v}"));
        }
        if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Value::as_f64), v.as_f64())
            && n < min
        {
            errs.push(format!("{at}: below minimum {min}"));
        }
        if let (Some(max), Some(n)) = (schema.get("maximum").and_then(Value::as_f64), v.as_f64())
            && n > max
        {
            errs.push(format!("{at}: above maximum {max}"));
        }
        if let Some(obj) = v.as_object() {
            for k in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let k = k.as_str().unwrap();
                if !obj.contains_key(k) {
                    errs.push(format!("{at}: missing required {k}"));
                }
            }
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, sub) in props {
                    if let Some(x) = obj.get(k) {
                        validate(root, sub, x, &format!("{at}.{k}"), errs);
                    }
                }
            }
        }
        if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
            for (i, x) in arr.iter().enumerate() {
                validate(root, items, x, &format!("{at}[{i}]"), errs);
            }
        }
    }

    /// docs/report.schema.json as generated from the report types: schemars reads the types,
    /// their serde attributes (as serialized: a field skipped when empty is optional) and
    /// their doc comments; what a Rust type cannot say (the schema's identity, the constant
    /// version, string formats) is added here.
    fn generated_schema() -> Value {
        let generator = schemars::generate::SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator();
        let mut s = serde_json::to_value(generator.into_root_schema_for::<Report>()).unwrap();
        s["$id"] = "https://github.com/seawall/seawall/blob/main/docs/report.schema.json".into();
        s["title"] = "seawall report (seawall.report/v1)".into();
        s["properties"]["schema"]["const"] = crate::report::SCHEMA.into();
        s["properties"]["generated_at"]["format"] = "date-time".into();
        for def in ["acceptance", "acceptance_status"] {
            s["$defs"][def]["properties"]["expires"]["format"] = "date".into();
        }
        unwrap_descriptions(&mut s);
        s
    }

    /// Doc comments are wrapped at 100 columns; a description is one paragraph.
    fn unwrap_descriptions(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    match x {
                        Value::String(text) if k == "description" => {
                            *text = text.replace('\n', " ")
                        }
                        _ => unwrap_descriptions(x),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
            _ => {}
        }
    }

    #[test]
    fn schema_file_is_generated_from_the_report_types() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/report.schema.json");
        let text = serde_json::to_string_pretty(&generated_schema()).unwrap() + "\n";
        if std::env::var_os("SEAWALL_UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &text).unwrap();
        }
        let file = std::fs::read_to_string(path).unwrap();
        assert!(
            file == text,
            "docs/report.schema.json is not what the report types say: regenerate it with \
             SEAWALL_UPDATE_SCHEMA=1 cargo test --lib report::json and review the diff"
        );
    }

    fn schema_errors(v: &Value) -> Vec<String> {
        let schema: Value = serde_json::from_str(SCHEMA_FILE).expect("schema file is JSON");
        let mut errs = Vec::new();
        validate(&schema, &schema, v, "$", &mut errs);
        errs
    }

    #[test]
    fn schema_file_is_draft_2020_12_and_declares_every_key() {
        let schema: Value = serde_json::from_str(SCHEMA_FILE).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        // Every object's `required` list is exactly the keys the renderer always writes.
        let required = |def: &Value| -> BTreeSet<String> {
            def["required"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap().to_string())
                .collect()
        };
        let keys =
            |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
        let v: Value = serde_json::from_str(&render_json(&sample_report())).unwrap();
        let d = &schema["$defs"];
        assert_eq!(required(&schema), keys(&v));
        assert_eq!(required(&d["host"]), keys(&v["hosts"][0]));
        assert_eq!(required(&d["engine"]), keys(&v["hosts"][0]["engine"]));
        assert_eq!(required(&d["posture"]), keys(&v["hosts"][0]["posture"]));
        assert_eq!(
            required(&d["container"]),
            keys(&v["hosts"][0]["containers"][0])
        );
        assert_eq!(
            required(&d["finding"]),
            keys(&v["hosts"][0]["posture"]["findings"][0])
        );
    }

    #[test]
    fn rendered_reports_validate_against_the_schema() {
        for r in [sample_report(), big_report(30)] {
            let v: Value = serde_json::from_str(&render_json(&r)).unwrap();
            assert_eq!(schema_errors(&v), Vec::<String>::new());
        }
        // The optional finding fields validate too.
        let mut r = sample_report();
        let f = &mut r.hosts[0].containers[0].findings[0];
        f.weighting = Weighting::HostRoot;
        f.mitigated = true;
        let v: Value = serde_json::from_str(&render_json(&r)).unwrap();
        assert_eq!(
            v["hosts"][0]["containers"][0]["findings"][0]["weighting"],
            "host_root"
        );
        assert_eq!(schema_errors(&v), Vec::<String>::new());
    }

    #[test]
    fn verdict_fields_are_declared_and_validate() {
        let old = sample_report();
        let base =
            crate::report::baseline::Baseline::parse(render_json(&old).as_bytes(), "old.json")
                .unwrap();
        let mut r = sample_report();
        let name = r.hosts[0].containers[0].name.clone();
        let id = r.hosts[0].containers[0].findings[0].id.to_string();
        r.hosts[0].containers[1].findings.remove(0);
        let rules = crate::config::accept::parse(
            &format!(
                "[[accept]]\nrule = \"{id}\"\ncontainer = \"{name}\"\nowner = \"o\"\nreason = \"r\"\nexpires = 2027-01-01\n[[accept]]\nrule = \"X\"\nimage = \"i\"\nowner = \"o\"\nreason = \"r\"\nexpires = 2027-01-01\n"
            ),
            "a.toml",
        )
        .unwrap();
        crate::report::acceptance::apply(
            &mut r,
            &rules,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        );
        base.apply(&mut r);
        let v: Value = serde_json::from_str(&render_json(&r)).unwrap();
        assert_eq!(schema_errors(&v), Vec::<String>::new());
        let schema: Value = serde_json::from_str(SCHEMA_FILE).unwrap();
        let declared = |def: &Value| -> BTreeSet<String> {
            def["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        let keys =
            |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
        let d = &schema["$defs"];
        let f = &v["hosts"][0]["containers"][0]["findings"][0];
        assert!(f.get("acceptance").is_some() && f.get("baseline").is_some());
        assert!(keys(f).is_subset(&declared(&d["finding"])));
        assert!(keys(&f["acceptance"]).is_subset(&declared(&d["acceptance"])));
        assert!(keys(&v).is_subset(&declared(&schema)));
        assert!(keys(&v["hosts"][0]).is_subset(&declared(&d["host"])));
        let resolved = &v["hosts"][0]["resolved"][0];
        assert!(keys(resolved).is_subset(&declared(&d["resolved"])));
        assert!(keys(&v["acceptances"][0]).is_subset(&declared(&d["acceptance_status"])));
    }

    #[test]
    fn the_validator_rejects_broken_reports() {
        let mut v: Value = serde_json::from_str(&render_json(&sample_report())).unwrap();
        v["hosts"][0]["containers"][0]["findings"][0]
            .as_object_mut()
            .unwrap()
            .remove("cis");
        v["hosts"][0]["containers"][1]["band"] = Value::from("extreme");
        v["hosts"][0]["posture"]["score"] = Value::from(101);
        v["schema"] = Value::from("seawall.report/v2");
        let errs = schema_errors(&v);
        assert_eq!(errs.len(), 4, "{errs:#?}");
    }
}
