//! SCIM filters (RFC 7644 section 3.4.2.2): parsed into a tree and evaluated against a
//! resource's JSON, with attribute names matched case-insensitively and string comparisons
//! case-insensitive unless the attribute is `caseExact`. Also `emails[type eq "work"].value eq
//! "…"`, the form identity providers use beside the RFC's. The same tree gives the equality the
//! storage can look up by index (`userName eq`, `externalId eq`, `displayName eq`).

use super::error::{ScimError, ScimResult};
use super::schema::{self, ResourceSchema};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

/// `[urn:]attr[.sub]`, names as written.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrPath {
    pub urn: Option<&'static str>,
    pub attr: String,
    pub sub: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    Present(AttrPath),
    Compare(AttrPath, Op, Literal),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `attr[filter]`, optionally followed by `.sub op value` (`emails[type eq "work"].value eq "x"`).
    ValuePath { path: AttrPath, filter: Box<Filter>, then: Option<(String, Op, Literal)> },
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Dot,
}

fn tokenize(text: &str) -> ScimResult<Vec<Token>> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '[' => {
                out.push(Token::OpenBracket);
                i += 1;
            }
            ']' => {
                out.push(Token::CloseBracket);
                i += 1;
                // `].value`: the dot belongs to the valuePath, not to a word.
                if chars.get(i) == Some(&'.') {
                    out.push(Token::Dot);
                    i += 1;
                }
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(ScimError::invalid_filter("a string in the filter is not closed with \"")),
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            match chars.get(i + 1) {
                                Some('n') => s.push('\n'),
                                Some('t') => s.push('\t'),
                                Some(&other) => s.push(other),
                                None => return Err(ScimError::invalid_filter("a string in the filter ends with \\")),
                            }
                            i += 2;
                        }
                        Some(&other) => {
                            s.push(other);
                            i += 1;
                        }
                    }
                }
                out.push(Token::Str(s));
            }
            _ => {
                let start = i;
                while i < chars.len() && !matches!(chars[i], ' ' | '\t' | '\n' | '\r' | '(' | ')' | '[' | ']' | '"') {
                    i += 1;
                }
                out.push(Token::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

/// A filter may be at most this many characters long…
pub const MAX_FILTER_CHARS: usize = 4096;
/// …nest groups, `not` and `[…]` at most this deep…
pub const MAX_FILTER_DEPTH: usize = 16;
/// …and hold at most this many comparisons. Okta and Entra send one or two; the limits keep a
/// hostile filter from exhausting the stack (the parser and every walk of the tree recurse) or
/// the CPU.
pub const MAX_FILTER_TERMS: usize = 64;

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    resource: &'a ResourceSchema,
    depth: usize,
    terms: usize,
}

fn op_of(word: &str) -> Option<Op> {
    Some(match word.to_ascii_lowercase().as_str() {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "co" => Op::Co,
        "sw" => Op::Sw,
        "ew" => Op::Ew,
        "gt" => Op::Gt,
        "ge" => Op::Ge,
        "lt" => Op::Lt,
        "le" => Op::Le,
        _ => return None,
    })
}

/// Parses `urn:…:attr.sub` into its parts (`resource` says which URNs there are).
pub fn attr_path(resource: &ResourceSchema, text: &str) -> ScimResult<AttrPath> {
    let (urn, rest) = schema::split_urn(resource, text);
    let mut parts = rest.splitn(2, '.');
    let attr = parts.next().unwrap_or_default().to_string();
    let sub = parts.next().map(str::to_string);
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$');
    if !valid(&attr) || sub.as_deref().is_some_and(|s| !valid(s)) {
        return Err(ScimError::invalid_filter(format!("{text:?} is not an attribute path")));
    }
    Ok(AttrPath { urn, attr, sub })
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn or(&mut self) -> ScimResult<Filter> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> ScimResult<Filter> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> ScimResult<Filter> {
        if self.keyword("not") {
            self.at += 1;
            return Ok(Filter::Not(Box::new(self.group()?)));
        }
        if self.peek() == Some(&Token::Open) {
            return self.group();
        }
        self.expression()
    }

    fn group(&mut self) -> ScimResult<Filter> {
        if self.next() != Some(Token::Open) {
            return Err(ScimError::invalid_filter("expected ( after not"));
        }
        let inner = self.nested(Self::or)?;
        if self.next() != Some(Token::Close) {
            return Err(ScimError::invalid_filter("a ( in the filter is not closed"));
        }
        Ok(inner)
    }

    /// Parses one level deeper, refusing a filter nested past [`MAX_FILTER_DEPTH`].
    fn nested(&mut self, parse: fn(&mut Self) -> ScimResult<Filter>) -> ScimResult<Filter> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return Err(ScimError::invalid_filter(format!("the filter is nested too deep: at most {MAX_FILTER_DEPTH} levels of (), not and []")));
        }
        let inner = parse(self);
        self.depth -= 1;
        inner
    }

    fn literal(&mut self) -> ScimResult<Literal> {
        match self.next() {
            Some(Token::Str(s)) => Ok(Literal::Str(s)),
            Some(Token::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "true" => Ok(Literal::Bool(true)),
                "false" => Ok(Literal::Bool(false)),
                "null" => Ok(Literal::Null),
                _ => w.parse::<f64>().map(Literal::Num).map_err(|_| ScimError::invalid_filter(format!("{w:?} is not a value: quote strings"))),
            },
            _ => Err(ScimError::invalid_filter("a comparison needs a value")),
        }
    }

    fn comparison(&mut self, path: AttrPath) -> ScimResult<Filter> {
        self.terms += 1;
        if self.terms > MAX_FILTER_TERMS {
            return Err(ScimError::invalid_filter(format!("the filter has too many terms: at most {MAX_FILTER_TERMS} comparisons")));
        }
        match self.next() {
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("pr") => Ok(Filter::Present(path)),
            Some(Token::Word(w)) => match op_of(&w) {
                Some(op) => Ok(Filter::Compare(path, op, self.literal()?)),
                None => Err(ScimError::invalid_filter(format!("{w:?} is not an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)"))),
            },
            _ => Err(ScimError::invalid_filter("an attribute must be followed by an operator")),
        }
    }

    fn expression(&mut self) -> ScimResult<Filter> {
        let Some(Token::Word(word)) = self.next() else {
            return Err(ScimError::invalid_filter("expected an attribute name"));
        };
        let path = attr_path(self.resource, &word)?;
        if self.peek() != Some(&Token::OpenBracket) {
            return self.comparison(path);
        }
        self.at += 1;
        let inner = self.nested(Self::or)?;
        if self.next() != Some(Token::CloseBracket) {
            return Err(ScimError::invalid_filter("a [ in the filter is not closed"));
        }
        let then = if self.peek() == Some(&Token::Dot) {
            self.at += 1;
            let Some(Token::Word(sub)) = self.next() else { return Err(ScimError::invalid_filter("expected a sub-attribute after ].")) };
            match self.comparison(AttrPath { urn: None, attr: sub.clone(), sub: None })? {
                Filter::Compare(_, op, value) => Some((sub, op, value)),
                Filter::Present(_) => Some((sub, Op::Ne, Literal::Null)),
                _ => None,
            }
        } else {
            None
        };
        Ok(Filter::ValuePath { path, filter: Box::new(inner), then })
    }
}

/// Parses a filter for `resource`.
pub fn parse(resource: &ResourceSchema, text: &str) -> ScimResult<Filter> {
    if text.chars().count() > MAX_FILTER_CHARS {
        return Err(ScimError::invalid_filter(format!("the filter is too long: at most {MAX_FILTER_CHARS} characters")));
    }
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Err(ScimError::invalid_filter("the filter is empty"));
    }
    let mut p = Parser { tokens, at: 0, resource, depth: 0, terms: 0 };
    let f = p.or()?;
    if p.at < p.tokens.len() {
        return Err(ScimError::invalid_filter(format!("unexpected {:?} in the filter", p.tokens[p.at])));
    }
    Ok(f)
}

/// A key of `m` equal to `name` case-insensitively.
pub fn get_ci<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    m.get(name).or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

fn case_exact(resource: &ResourceSchema, path: &AttrPath) -> bool {
    match resource.lookup(path.urn, &path.attr) {
        Some((_, a)) => match &path.sub {
            Some(sub) => schema::find(a.sub, sub).is_some_and(|s| s.case_exact),
            None => a.case_exact || (a.multi && schema::find(a.sub, "value").is_some_and(|s| s.case_exact)),
        },
        None => false,
    }
}

/// The values `path` reaches in `m`: a multi-valued complex attribute without a sub-attribute
/// compares by its `value`.
fn values<'a>(resource: &ResourceSchema, m: &'a Map<String, Value>, path: &AttrPath) -> Vec<&'a Value> {
    let top = match path.urn.filter(|u| !u.eq_ignore_ascii_case(resource.schema)) {
        Some(ext) => get_ci(m, ext).and_then(Value::as_object).and_then(|e| get_ci(e, &path.attr)),
        None => get_ci(m, &path.attr),
    };
    let Some(top) = top else { return Vec::new() };
    let pick = |v: &'a Value, sub: &str| -> Option<&'a Value> { v.as_object().and_then(|o| get_ci(o, sub)) };
    match (top, &path.sub) {
        (Value::Array(list), Some(sub)) => list.iter().filter_map(|v| pick(v, sub)).collect(),
        (Value::Array(list), None) => list.iter().map(|v| pick(v, "value").unwrap_or(v)).collect(),
        (v, Some(sub)) => pick(v, sub).into_iter().collect(),
        (v, None) => vec![v],
    }
}

fn compare(value: &Value, op: Op, literal: &Literal, exact: bool) -> bool {
    let fold = |s: &str| if exact { s.to_string() } else { s.to_lowercase() };
    match (value, literal) {
        (Value::Null, Literal::Null) => op == Op::Eq,
        (_, Literal::Null) => op == Op::Ne,
        (Value::String(a), Literal::Str(b)) => {
            let (a, b) = (fold(a), fold(b));
            match op {
                Op::Eq => a == b,
                Op::Ne => a != b,
                Op::Co => a.contains(&b),
                Op::Sw => a.starts_with(&b),
                Op::Ew => a.ends_with(&b),
                Op::Gt => a > b,
                Op::Ge => a >= b,
                Op::Lt => a < b,
                Op::Le => a <= b,
            }
        }
        (Value::Bool(a), Literal::Bool(b)) => match op {
            Op::Eq => a == b,
            Op::Ne => a != b,
            _ => false,
        },
        // Some clients quote booleans.
        (Value::Bool(a), Literal::Str(b)) => match (op, b.to_ascii_lowercase().as_str()) {
            (Op::Eq, "true") => *a,
            (Op::Eq, "false") => !*a,
            (Op::Ne, "true") => !*a,
            (Op::Ne, "false") => *a,
            _ => false,
        },
        (Value::Number(a), Literal::Num(b)) => {
            let a = a.as_f64().unwrap_or(f64::NAN);
            match op {
                Op::Eq => a == *b,
                Op::Ne => a != *b,
                Op::Gt => a > *b,
                Op::Ge => a >= *b,
                Op::Lt => a < *b,
                Op::Le => a <= *b,
                _ => false,
            }
        }
        _ => op == Op::Ne,
    }
}

impl Filter {
    /// Whether the resource `m` matches.
    pub fn matches(&self, resource: &ResourceSchema, m: &Map<String, Value>) -> bool {
        match self {
            Filter::Present(p) => values(resource, m, p).iter().any(|v| match v {
                Value::Null => false,
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                Value::Object(o) => !o.is_empty(),
                _ => true,
            }),
            Filter::Compare(p, op, lit) => {
                let found = values(resource, m, p);
                let exact = case_exact(resource, p);
                if found.is_empty() {
                    return matches!((op, lit), (Op::Eq, Literal::Null) | (Op::Ne, Literal::Str(_) | Literal::Bool(_) | Literal::Num(_)));
                }
                match op {
                    Op::Ne => found.iter().all(|v| compare(v, Op::Ne, lit, exact)),
                    _ => found.iter().any(|v| compare(v, *op, lit, exact)),
                }
            }
            Filter::And(a, b) => a.matches(resource, m) && b.matches(resource, m),
            Filter::Or(a, b) => a.matches(resource, m) || b.matches(resource, m),
            Filter::Not(f) => !f.matches(resource, m),
            Filter::ValuePath { path, filter, then } => {
                let top = match path.urn.filter(|u| !u.eq_ignore_ascii_case(resource.schema)) {
                    Some(ext) => get_ci(m, ext).and_then(Value::as_object).and_then(|e| get_ci(e, &path.attr)),
                    None => get_ci(m, &path.attr),
                };
                let elements: Vec<&Map<String, Value>> = match top {
                    Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
                    Some(Value::Object(o)) => vec![o],
                    _ => Vec::new(),
                };
                elements.iter().any(|e| {
                    element_matches(resource, path, filter, e)
                        && then.as_ref().is_none_or(|(sub, op, lit)| {
                            let exact = case_exact(resource, &AttrPath { urn: path.urn, attr: path.attr.clone(), sub: Some(sub.clone()) });
                            match get_ci(e, sub) {
                                Some(v) => compare(v, *op, lit, exact),
                                None => matches!((op, lit), (Op::Eq, Literal::Null)),
                            }
                        })
                })
            }
        }
    }

    /// The `attr eq "value"` comparisons every match must meet (top-level `and`s), for an
    /// index lookup: (attribute name as written, value). A sub-attribute is `attr.sub`, and
    /// `emails[type eq "work"].value eq "x"` requires `emails.value` to be "x" (among others).
    pub fn required_equalities(&self) -> Vec<(String, String)> {
        match self {
            Filter::Compare(p, Op::Eq, Literal::Str(v)) if p.urn.is_none() => match &p.sub {
                None => vec![(p.attr.clone(), v.clone())],
                Some(sub) => vec![(format!("{}.{sub}", p.attr), v.clone())],
            },
            Filter::ValuePath { path, then: Some((sub, Op::Eq, Literal::Str(v))), .. } if path.urn.is_none() => vec![(format!("{}.{sub}", path.attr), v.clone())],
            Filter::And(a, b) => {
                let mut all = a.required_equalities();
                all.extend(b.required_equalities());
                all
            }
            _ => Vec::new(),
        }
    }
}

/// Whether the element `e` of a multi-valued attribute matches the bracketed `filter`, whose
/// paths name the element's sub-attributes.
pub fn element_matches(resource: &ResourceSchema, parent: &AttrPath, filter: &Filter, e: &Map<String, Value>) -> bool {
    // Evaluate the inner filter as if the element were a resource of its sub-attributes; the
    // parent gives the case-exactness of each sub-attribute.
    let inner = scoped(filter, parent);
    let mut wrapper = Map::new();
    wrapper.insert(parent.attr.clone(), Value::Object(e.clone()));
    match parent.urn.filter(|u| !u.eq_ignore_ascii_case(resource.schema)) {
        Some(ext) => {
            let mut outer = Map::new();
            outer.insert(ext.to_string(), Value::Object(wrapper));
            inner.matches(resource, &outer)
        }
        None => inner.matches(resource, &wrapper),
    }
}

/// The bracketed filter with each path made `parent.sub`.
fn scoped(f: &Filter, parent: &AttrPath) -> Filter {
    let lift = |p: &AttrPath| AttrPath { urn: parent.urn, attr: parent.attr.clone(), sub: Some(p.attr.clone()) };
    match f {
        Filter::Present(p) => Filter::Present(lift(p)),
        Filter::Compare(p, op, l) => Filter::Compare(lift(p), *op, l.clone()),
        Filter::And(a, b) => Filter::And(Box::new(scoped(a, parent)), Box::new(scoped(b, parent))),
        Filter::Or(a, b) => Filter::Or(Box::new(scoped(a, parent)), Box::new(scoped(b, parent))),
        Filter::Not(x) => Filter::Not(Box::new(scoped(x, parent))),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::scim::schema::{GROUP, USER};
    use serde_json::json;

    fn user() -> Map<String, Value> {
        json!({
            "id": "usr_1", "externalId": "00uAbC", "userName": "Ada@Example.com", "active": true,
            "name": { "givenName": "Ada", "familyName": "Lovelace" },
            "emails": [{ "value": "ada@work.example", "type": "work", "primary": true }, { "value": "ada@home.example", "type": "home" }],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "R&D" },
            "meta": { "lastModified": "2026-01-02T03:04:05Z" },
        })
        .as_object()
        .cloned()
        .unwrap_or_default()
    }

    fn m(f: &str) -> bool {
        parse(&USER, f).unwrap_or_else(|e| panic!("{f}: {e:?}")).matches(&USER, &user())
    }

    #[test]
    fn filters_match_as_rfc_7644_says_with_case_insensitive_names_and_strings() {
        assert!(m(r#"userName eq "ada@example.com""#));
        assert!(m(r#"USERNAME Eq "ADA@EXAMPLE.COM""#));
        assert!(!m(r#"externalId eq "00uabc""#), "externalId is caseExact");
        assert!(m(r#"externalId eq "00uAbC""#));
        assert!(m(r#"name.familyName sw "love" and active eq true"#));
        assert!(m(r#"emails co "home.example""#), "a multi-valued attribute compares its values");
        assert!(m(r#"emails[type eq "work" and primary eq true]"#));
        assert!(m(r#"emails[type eq "work"].value eq "ada@work.example""#));
        assert!(!m(r#"emails[type eq "home"].value eq "ada@work.example""#));
        assert!(m(r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "r&d""#));
        assert!(m(r#"meta.lastModified gt "2025-12-31T00:00:00Z""#));
        assert!(m(r#"not (active eq false) and (title pr or userName pr)"#));
        assert!(!m(r#"title pr"#));
        assert!(m(r#"userName eq "nobody" or name.givenName eq "ada""#));
        let groups = json!({ "displayName": "Engineering", "members": [{ "value": "usr_1" }] }).as_object().cloned().unwrap_or_default();
        assert!(parse(&GROUP, r#"displayName eq "engineering""#).map(|f| f.matches(&GROUP, &groups)).unwrap_or(false));
    }

    #[test]
    fn a_bad_filter_is_an_invalid_filter_error_naming_the_problem() {
        for (f, says) in [
            (r#"userName eq"#, "needs a value"),
            (r#"userName like "a""#, "is not an operator"),
            (r#"userName eq "open"#, "not closed"),
            (r#"(userName eq "a""#, "not closed"),
            (r#"emails[type eq "work""#, "not closed"),
            (r#"userName eq unquoted"#, "quote strings"),
            ("", "empty"),
        ] {
            let e = parse(&USER, f).err().unwrap_or_else(|| panic!("{f} parsed"));
            assert_eq!(e.scim_type, Some("invalidFilter"));
            assert!(e.detail.contains(says), "{f}: {}", e.detail);
        }
    }

    #[test]
    fn top_level_equalities_are_offered_for_an_index_lookup() {
        let f = parse(&USER, r#"userName eq "a@b.c" and active eq true"#).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(f.required_equalities(), vec![("userName".to_string(), "a@b.c".to_string())]);
        let f = parse(&USER, r#"userName eq "a" or userName eq "b""#).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(f.required_equalities().is_empty());
        let f = parse(&USER, r#"emails[type eq "work"].value eq "A@B.c""#).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(f.required_equalities(), vec![("emails.value".to_string(), "A@B.c".to_string())]);
        let f = parse(&USER, r#"name.familyName eq "Lovelace" and active eq true"#).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(f.required_equalities(), vec![("name.familyName".to_string(), "Lovelace".to_string())]);
    }

    /// Random and adversarial filters for a bounded time: every one parses or is refused with
    /// `invalidFilter`, never a panic or a stack overflow, and what parses can be evaluated.
    #[test]
    fn random_and_adversarial_filters_are_parsed_or_refused_never_a_panic() {
        use rand::{Rng, SeedableRng};
        const PIECES: &[&str] = &[
            "(", ")", "[", "]", "\"", "\\", " ", "eq ", "ne ", "co ", "sw ", "pr", "gt ", " and ", " or ", "not ", ".", "userName", "emails",
            "value", "type", "name.familyName", "\"x\"", "true", "null", "1e999", "-0", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            "é", "\u{0}", "💥",
        ];
        let seed: u64 = rand::random();
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        let mut tried = 0;
        while std::time::Instant::now() < deadline {
            let text: String = match rng.gen_range(0..4) {
                // Deep nesting of every kind the grammar allows.
                0 => {
                    let depth = rng.gen_range(0..200);
                    let open = ["(", "not (", "emails["][rng.gen_range(0..3)];
                    let close = if open == "emails[" { "]" } else { ")" };
                    format!("{}userName eq \"a\"{}", open.repeat(depth), close.repeat(depth))
                }
                // Long chains of terms.
                1 => vec!["userName eq \"a\""; rng.gen_range(0..120)].join([" and ", " or "][rng.gen_range(0..2)]),
                // Noise.
                _ => (0..rng.gen_range(0..80)).map(|_| PIECES[rng.gen_range(0..PIECES.len())]).collect(),
            };
            match parse(&USER, &text) {
                Ok(f) => {
                    let _ = f.matches(&USER, &user());
                }
                Err(e) => assert_eq!(e.scim_type.as_deref(), Some("invalidFilter"), "seed {seed}: {text:?}: {e:?}"),
            }
            tried += 1;
        }
        assert!(tried > 1000, "only {tried} filters in the time allowed");
    }
}
