//! The C ABI (feature `ffi`): clients created from JSON, operations called by name with JSON.
