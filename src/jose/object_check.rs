//! [`is_json_object`]: whether a text is a JSON object that `serde_json` would parse into a
//! `Map<String, Value>`, decided without building the map (no allocation for the common token).
//!
//! [`super::UnverifiedJwt`] checks its claims with this when a token is parsed and builds the
//! claims map only when a claim is first read, so verifying a signature does not pay for a map
//! nobody looked at. The check takes the same `serde_json` paths as `Value` does (`deserialize_any`,
//! so numbers out of range, bad escapes and nesting deeper than the recursion limit are refused
//! alike); the tests compare the two on awkward inputs.

use std::fmt;

use serde::Deserializer as _;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// True when `text` is one JSON object and nothing else (whitespace aside), exactly when
/// `serde_json::from_str::<Map<String, Value>>(text)` succeeds.
pub(crate) fn is_json_object(text: &str) -> bool {
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_map(AnyJson).is_ok() && de.end().is_ok()
}

/// Visits any JSON value the way `serde_json::Value` does, keeping nothing.
#[derive(Clone, Copy)]
struct AnyJson;

impl<'de> DeserializeSeed<'de> for AnyJson {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnyJson {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Keys are always strings in JSON; serde_json reads them (escapes included) either way.
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    use super::is_json_object;

    #[test]
    fn agrees_with_serde_json_maps_on_awkward_inputs() {
        let cases = [
            r#"{}"#,
            r#" { "a" : 1 } "#,
            r#"{"iss":"https://op.example","aud":["a","b"],"exp":2000000000,"iat":1.5}"#,
            r#"{"a":{"b":[null,true,false,-1,18446744073709551615,-9223372036854775808]}}"#,
            r#"{"big":1e308}"#,
            r#"{"too_big":1e400}"#,
            r#"{"too_big_int":1000000000000000000000000000000000000000000000000000000000e300}"#,
            r#"{"esc\u00e9":"\ud83d\ude00 \n \" \\"}"#,
            r#"{"lone":"\ud800"}"#,
            r#"{"bad_escape":"\x"}"#,
            r#"{"dup":1,"dup":2}"#,
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            r#"{"a":01}"#,
            r#"{"a":NaN}"#,
            r#"[1,2]"#,
            r#""text""#,
            r#"5"#,
            r#"null"#,
            r#""#,
            r#"{"a":"unterminated}"#,
            "{\"ctrl\":\"\u{1}\"}",
        ];
        for case in cases {
            let by_map = serde_json::from_str::<Map<String, Value>>(case).is_ok();
            assert_eq!(is_json_object(case), by_map, "{case}");
        }
    }

    #[test]
    fn agrees_on_the_recursion_limit() {
        for depth in [100, 126, 127, 128, 129, 200] {
            let text = format!("{{\"a\":{}1{}}}", "[".repeat(depth), "]".repeat(depth));
            let by_map = serde_json::from_str::<Map<String, Value>>(&text).is_ok();
            assert_eq!(is_json_object(&text), by_map, "depth {depth}");
        }
        // A sanity floor: a shallow object passes, an absurdly deep one does not.
        assert!(is_json_object(r#"{"a":[[1]]}"#));
        assert!(!is_json_object(&format!("{{\"a\":{}}}", "[".repeat(10_000))));
    }
}
