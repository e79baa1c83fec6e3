//! A stateful, offline GoPay gateway on 127.0.0.1 for tests and examples (feature
//! `simulator`).
