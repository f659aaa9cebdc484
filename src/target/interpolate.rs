//! `${ENV_VAR}` interpolation in profile strings, so secrets stay out of committed files.
//! `${NAME:-default}` gives a default; `$${` escapes a literal `${`. A missing variable without
//! a default is an error naming it.

/// Why interpolation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpolateError {
    /// `${NAME}` names a variable that is not set.
    Missing(String),
    /// Malformed placeholder.
    Malformed(String),
}

/// Replaces every `${NAME}` in `text` using `lookup`.
pub fn interpolate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, InterpolateError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let Some(end) = after.find('}') else {
                return Err(InterpolateError::Malformed(format!("unterminated ${{ in {text:?}")));
            };
            let inner = &after[..end];
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            if name.is_empty() || !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
                return Err(InterpolateError::Malformed(format!("invalid variable name {name:?}")));
            }
            match (lookup(name), default) {
                (Some(v), _) => out.push_str(&v),
                (None, Some(d)) => out.push_str(d),
                (None, None) => return Err(InterpolateError::Missing(name.to_owned())),
            }
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Interpolates every string inside a TOML value tree.
pub(crate) fn interpolate_toml(value: &mut toml::Value, lookup: &dyn Fn(&str) -> Option<String>, path: &str) -> Result<(), (String, InterpolateError)> {
    match value {
        toml::Value::String(s) => {
            *s = interpolate(s, lookup).map_err(|e| (path.to_owned(), e))?;
        }
        toml::Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                interpolate_toml(v, lookup, &format!("{path}[{i}]"))?;
            }
        }
        toml::Value::Table(t) => {
            for (k, v) in t.iter_mut() {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                interpolate_toml(v, lookup, &p)?;
            }
        }
        _ => {}
    }
    Ok(())
}
