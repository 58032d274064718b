//! The values a statement is run with: text, integers and booleans, each possibly NULL. A NULL
//! keeps its type (PostgreSQL checks a parameter's type against its column).

/// One bound value (`$1`, `$2`, … in the statement).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}
impl From<&&str> for Value {
    fn from(v: &&str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<&Option<String>> for Value {
    fn from(v: &Option<String>) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Option<&String>> for Value {
    fn from(v: Option<&String>) -> Self {
        Value::Text(v.cloned())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<&i64> for Value {
    fn from(v: &i64) -> Self {
        Value::Int(Some(*v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(Some(i64::from(v)))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(Some(v))
    }
}
impl From<Option<bool>> for Value {
    fn from(v: Option<bool>) -> Self {
        Value::Bool(v)
    }
}

/// `values` as PostgreSQL's arguments for one statement, in order (`$1`, `$2`, …).
pub(super) fn pg_arguments<'a>(values: impl IntoIterator<Item = &'a Value>) -> std::result::Result<sqlx::postgres::PgArguments, sqlx::Error> {
    use sqlx::Arguments as _;
    let mut arguments = sqlx::postgres::PgArguments::default();
    for value in values {
        match value {
            Value::Text(v) => arguments.add(v.clone()),
            Value::Int(v) => arguments.add(*v),
            Value::Bool(v) => arguments.add(*v),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(arguments)
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value as Sqlite, ValueRef};
        Ok(match self {
            Value::Text(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::Int(Some(v)) => ToSqlOutput::Owned(Sqlite::Integer(*v)),
            // As sqlx stores a bool in SQLite.
            Value::Bool(Some(v)) => ToSqlOutput::Owned(Sqlite::Integer(i64::from(*v))),
            Value::Text(None) | Value::Int(None) | Value::Bool(None) => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}
