//! Checks on the shape of the source tree itself: no import cycles between files, and no file
//! over 600 lines without its reason at its top.
//!
//! A cycle (a file that, through the files it uses, uses itself) is where two capabilities
//! have grown into each other; the check reads every `crate::` and `super::` path in
//! `api/src`, resolves it to the file that defines the module, and fails on the first cycle it
//! finds, printing it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`["participants", "access"]`) of every `.rs` file under `root`.
fn modules(root: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read source dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            // `main.rs` is the binary, a crate of its own that uses this one by name.
            if path.extension().is_none_or(|e| e != "rs") || path == root.join("main.rs") {
                continue;
            }
            let rel = path.strip_prefix(root).expect("under root");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
                parts.pop();
            }
            out.insert(parts, path);
        }
    }
    out
}

/// The `ident::ident::...` paths in `text` that start at `crate`, `super` or an alias made by
/// a `use crate::...::x;` line, resolved to absolute module paths (longest defined prefix).
fn uses(
    text: &str,
    here: &[String],
    known: &BTreeMap<Vec<String>, PathBuf>,
) -> BTreeSet<Vec<String>> {
    // `super` is the parent of this file's module (`a/b.rs` and `a/b/mod.rs` alike: `a`).
    let parent: Vec<String> = here[..here.len().saturating_sub(1)].to_vec();
    let own: Vec<String> = here.to_vec();
    // Only the code that ships: comment lines and the test module at the end are left out.
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let tokens = paths_in(&code);
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let absolute = |p: &[String]| -> Option<Vec<String>> {
        match p.first().map(String::as_str) {
            Some("crate") => Some(p[1..].to_vec()),
            Some("super") => {
                let mut base = parent.clone();
                let mut rest = &p[1..];
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                Some(base)
            }
            Some("self") => {
                let mut base = own.clone();
                base.extend(p[1..].iter().cloned());
                Some(base)
            }
            _ => None,
        }
    };
    // `use crate::a::b;` and `use super::{a, b};` make `b`, `a` names for modules.
    for line in code.lines() {
        let l = line.trim();
        let Some(rest) = l
            .strip_prefix("use ")
            .or_else(|| l.strip_prefix("pub use "))
        else {
            continue;
        };
        let rest = rest.trim_end_matches(';');
        let (prefix, names) = match rest.split_once("::{") {
            Some((p, n)) => (p.to_string(), n.trim_end_matches('}').to_string()),
            None => match rest.rsplit_once("::") {
                Some((p, n)) => (p.to_string(), n.to_string()),
                None => continue,
            },
        };
        let prefix: Vec<String> = prefix.split("::").map(str::to_string).collect();
        for name in names.split(',') {
            let name = name.trim();
            let (target, alias) = match name.split_once(" as ") {
                Some((t, a)) => (t.trim(), a.trim()),
                None => (name, name),
            };
            if target.is_empty() || target.contains('{') {
                continue;
            }
            let mut full = prefix.clone();
            if target != "self" {
                full.extend(target.split("::").map(str::to_string));
            }
            if let Some(abs) = absolute(&full)
                && known.contains_key(&abs)
            {
                let alias = if target == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    alias.rsplit("::").next().unwrap_or(alias).to_string()
                };
                aliases.insert(alias, abs);
            }
        }
    }
    let mut out = BTreeSet::new();
    for p in tokens {
        let abs = match absolute(&p) {
            Some(a) => a,
            None => match aliases.get(&p[0]) {
                Some(base) => {
                    let mut a = base.clone();
                    a.extend(p[1..].iter().cloned());
                    a
                }
                None => continue,
            },
        };
        // The longest prefix that is a file of its own.
        let mut best = None;
        for n in (1..=abs.len()).rev() {
            if known.contains_key(&abs[..n]) {
                best = Some(abs[..n].to_vec());
                break;
            }
        }
        if let Some(b) = best
            && b != own
            && !own.starts_with(&b)
        {
            out.insert(b);
        }
    }
    out
}

/// Every `a::b::c` run of identifiers in `code` (two segments or more).
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphabetic() || c == b'_' {
            if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
                i += 1;
                continue;
            }
            let mut segs = Vec::new();
            let mut j = i;
            loop {
                let start = j;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                segs.push(code[start..j].to_string());
                if code[j..].starts_with("::")
                    && code[j + 2..]
                        .bytes()
                        .next()
                        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                {
                    j += 2;
                } else {
                    break;
                }
            }
            if segs.len() >= 2 {
                out.push(segs);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The file-level import graph of `api/src`.
fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = modules(&root);
    known
        .iter()
        .map(|(m, path)| {
            let text = std::fs::read_to_string(path).expect("read source file");
            (m.clone(), uses(&text, m, &known))
        })
        .collect()
}

/// A cycle in `g`, if there is one, as the list of modules around it.
fn find_cycle(g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        n: &Vec<String>,
        g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        marks: &mut BTreeMap<Vec<String>, Mark>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        match marks.get(n) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|s| s == n).unwrap_or(0);
                let mut cycle: Vec<String> = stack[from..].iter().map(|m| m.join("::")).collect();
                cycle.push(n.join("::"));
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(n.clone(), Mark::Open);
        stack.push(n.clone());
        for next in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(next, g, marks, stack) {
                return Some(c);
            }
        }
        stack.pop();
        marks.insert(n.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in g.keys() {
        if let Some(c) = visit(n, g, &mut marks, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_import_cycles_between_files() {
    let g = graph();
    // The graph is read right: the participant lifecycle uses the checklist, and the
    // checklist's task service uses participant access.
    let edge = |a: &str, b: &str| {
        let a: Vec<String> = a.split("::").map(str::to_string).collect();
        let b: Vec<String> = b.split("::").map(str::to_string).collect();
        g.get(&a).is_some_and(|s| s.contains(&b))
    };
    assert!(edge("participants::lifecycle", "preparation::checklist"));
    assert!(edge("preparation::tasks", "participants::access"));
    if let Some(cycle) = find_cycle(&g) {
        panic!("import cycle: {}", cycle.join(" -> "));
    }
}

#[test]
fn a_cycle_is_found() {
    let m = |s: &str| vec![s.to_string()];
    let mut g = BTreeMap::new();
    g.insert(m("a"), BTreeSet::from([m("b")]));
    g.insert(m("b"), BTreeSet::from([m("c")]));
    g.insert(m("c"), BTreeSet::from([m("a")]));
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    g.insert(m("c"), BTreeSet::new());
    assert_eq!(find_cycle(&g), None);
}

/// A file over 600 lines says why at its top (a `Longer than 600 lines:` line in its module
/// documentation); any other long file is a room that wants splitting.
#[test]
fn long_files_say_why() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for path in modules(&root).values() {
        let text = std::fs::read_to_string(path).expect("read source file");
        let head: String = text
            .lines()
            .take_while(|l| l.starts_with("//!") || l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if text.lines().count() > 600 && !head.contains("Longer than 600 lines:") {
            long.push(
                path.strip_prefix(&root)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
            );
        }
    }
    assert!(
        long.is_empty(),
        "files over 600 lines without a reason: {long:?}"
    );
}
