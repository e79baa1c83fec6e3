//! The `gopay` client's examples (`cargo run --example quickstart`) and the benchmark that
//! needs the simulator (`cargo bench -p gopay-examples`). Nothing to use from here.
