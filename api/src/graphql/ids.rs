//! Opaque global ids (`base64("License:42")`) and page cursors. Clients treat both as
//! strings; the type prefix makes an id of one type useless as another's.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::bad_input;

pub fn encode(type_name: &str, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// The row id in a global id of `type_name`; an id of another type is an input error.
pub fn decode(type_name: &str, id: &ID) -> async_graphql::Result<i64> {
    let bad = || bad_input(format!("`{}` is not a valid {type_name} id", id.as_str()));
    let raw = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (t, n) = text.split_once(':').ok_or_else(bad)?;
    if t != type_name {
        return Err(bad());
    }
    n.parse().map_err(|_| bad())
}

/// Splits any global id into its type name and row id.
pub fn decode_any(id: &ID) -> async_graphql::Result<(String, i64)> {
    let bad = || bad_input(format!("`{}` is not a valid id", id.as_str()));
    let raw = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (t, n) = text.split_once(':').ok_or_else(bad)?;
    Ok((t.to_string(), n.parse().map_err(|_| bad())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_carry_their_type() {
        let id = encode("License", 42);
        assert_eq!(decode("License", &id).unwrap(), 42);
        assert!(decode("Organization", &id).is_err());
        assert!(decode("License", &ID("garbage!".into())).is_err());
        assert_eq!(decode_any(&id).unwrap(), ("License".to_string(), 42));
    }
}
