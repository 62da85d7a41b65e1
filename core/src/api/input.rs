//! Typed access to a request's JSON with precise errors: every failure names the dotted path of
//! the field to blame (`card.number`, `plans[2].rates`), and `null` counts as absent.

use crate::date::Date;
use crate::error::{Code, Error, Result};
use crate::money::{Currency, Money, Sign};
use serde_json::{Map, Value};

/// A JSON object in the request, with its path for error messages.
pub struct Input<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl<'a> Input<'a> {
    pub fn root(map: &'a Map<String, Value>) -> Input<'a> {
        Input { map, path: String::new() }
    }

    /// The dotted path of `key` inside this object.
    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw value, `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The underlying map (for ops that take free-form field maps, such as a bank callback).
    pub fn map(&self) -> &'a Map<String, Value> {
        self.map
    }

    fn missing(&self, key: &str) -> Error {
        Error::new(Code::RequestMissingField).at(self.field(key))
    }

    fn wrong_type(&self, key: &str, expected: &str, got: &Value) -> Error {
        Error::new(Code::RequestInvalidType)
            .at(self.field(key))
            .detail(format!("expected {expected}, got {}", type_name(got)))
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong_type(key, "string", v)),
        }
    }

    pub fn str(&self, key: &str) -> Result<&'a str> {
        self.opt_str(key)?.ok_or_else(|| self.missing(key))
    }

    /// A required string of at most `max` characters.
    pub fn str_max(&self, key: &str, max: usize) -> Result<&'a str> {
        let s = self.str(key)?;
        self.check_len(key, s, max)?;
        Ok(s)
    }

    pub fn opt_str_max(&self, key: &str, max: usize) -> Result<Option<&'a str>> {
        let s = self.opt_str(key)?;
        if let Some(s) = s {
            self.check_len(key, s, max)?;
        }
        Ok(s)
    }

    fn check_len(&self, key: &str, s: &str, max: usize) -> Result<()> {
        if s.chars().count() > max {
            return Err(Error::new(Code::RequestTooLong)
                .at(self.field(key))
                .detail(format!("at most {max} characters")));
        }
        Ok(())
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.wrong_type(key, "boolean", v)),
        }
    }

    /// An optional integer within `range`.
    pub fn opt_int(&self, key: &str, range: std::ops::RangeInclusive<i64>) -> Result<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v @ Value::Number(n)) => match n.as_i64() {
                Some(i) if range.contains(&i) => Ok(Some(i)),
                Some(_) => Err(Error::new(Code::RequestInvalidValue).at(self.field(key)).detail(format!(
                    "must be between {} and {}",
                    range.start(),
                    range.end()
                ))),
                None => Err(self.wrong_type(key, "integer", v)),
            },
            Some(v) => Err(self.wrong_type(key, "integer", v)),
        }
    }

    pub fn int(&self, key: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64> {
        self.opt_int(key, range)?.ok_or_else(|| self.missing(key))
    }

    pub fn opt_object(&self, key: &str) -> Result<Option<Input<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Input { map, path: self.field(key) })),
            Some(v) => Err(self.wrong_type(key, "object", v)),
        }
    }

    pub fn object(&self, key: &str) -> Result<Input<'a>> {
        self.opt_object(key)?.ok_or_else(|| self.missing(key))
    }

    /// An optional array (empty when absent).
    pub fn opt_array(&self, key: &str) -> Result<&'a [Value]> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(v) => Err(self.wrong_type(key, "array", v)),
        }
    }

    /// The elements of an array of objects, each with its indexed path (`plans[2]`).
    pub fn objects(&self, key: &str) -> Result<Vec<Input<'a>>> {
        self.opt_array(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let path = format!("{}[{i}]", self.field(key));
                match v {
                    Value::Object(map) => Ok(Input { map, path }),
                    other => Err(Error::new(Code::RequestInvalidType)
                        .at(path)
                        .detail(format!("expected object, got {}", type_name(other)))),
                }
            })
            .collect()
    }

    /// An ISO 4217 currency given by alpha or numeric code; `TRY` when absent.
    pub fn currency(&self, key: &str) -> Result<&'static Currency> {
        match self.opt_str(key)? {
            None => Ok(Currency::try_()),
            Some(code) => Currency::find(code).map_err(|e| e.at(self.field(key))),
        }
    }

    /// An amount: a strict decimal string in the currency's major unit (`"100.25"`).
    pub fn amount(&self, key: &str, currency: &'static Currency, sign: Sign) -> Result<Money> {
        match self.get(key) {
            None => Err(self.missing(key)),
            Some(Value::String(s)) => Money::parse(s, currency, sign).map_err(|e| e.at(self.field(key))),
            Some(Value::Number(_)) => Err(Error::new(Code::MoneyInvalidType).at(self.field(key))),
            Some(v) => Err(self.wrong_type(key, "string", v)),
        }
    }

    pub fn opt_amount(&self, key: &str, currency: &'static Currency, sign: Sign) -> Result<Option<Money>> {
        if self.has(key) {
            self.amount(key, currency, sign).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&self, key: &str) -> Result<Date> {
        Date::parse(self.str(key)?).map_err(|e| e.at(self.field(key)))
    }

    pub fn opt_date(&self, key: &str) -> Result<Option<Date>> {
        match self.opt_str(key)? {
            None => Ok(None),
            Some(s) => Date::parse(s).map(Some).map_err(|e| e.at(self.field(key))),
        }
    }

    /// A string that must be one of `allowed`.
    pub fn opt_choice(&self, key: &str, allowed: &[&'static str]) -> Result<Option<&'static str>> {
        match self.opt_str(key)? {
            None => Ok(None),
            Some(s) => allowed.iter().find(|a| **a == s).copied().map(Some).ok_or_else(|| {
                Error::new(Code::RequestInvalidValue)
                    .at(self.field(key))
                    .detail(format!("one of {}", allowed.join(", ")))
            }),
        }
    }
}
