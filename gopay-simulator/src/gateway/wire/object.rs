//! Reading a normalised object (one [`check`](super::schema::check) passed) into the
//! simulator's own request types: each getter answers what the definitions let through.

use serde_json::{Map, Value};

/// A checked, normalised JSON object.
#[derive(Clone, Copy)]
pub(crate) struct Object<'a>(pub(crate) &'a Map<String, Value>);

impl<'a> Object<'a> {
    pub(crate) fn text(self, name: &str) -> Option<String> {
        self.0.get(name)?.as_str().map(str::to_owned)
    }

    pub(crate) fn int(self, name: &str) -> Option<i64> {
        self.0.get(name)?.as_i64()
    }

    pub(crate) fn flag(self, name: &str) -> Option<bool> {
        self.0.get(name)?.as_bool()
    }

    pub(crate) fn object(self, name: &str) -> Option<Object<'a>> {
        self.0.get(name)?.as_object().map(Object)
    }

    /// The objects of a list field (none when it is absent).
    pub(crate) fn objects(self, name: &str) -> impl Iterator<Item = Object<'a>> {
        self.list(name).filter_map(Value::as_object).map(Object)
    }

    /// The texts of a list field (none when it is absent).
    pub(crate) fn texts(self, name: &str) -> Vec<String> {
        self.list(name)
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    }

    fn list(self, name: &str) -> impl Iterator<Item = &'a Value> {
        self.0
            .get(name)
            .and_then(Value::as_array)
            .map(|values| values.iter())
            .into_iter()
            .flatten()
    }
}
