//! Reads a payment's state from the gateway named by the `GOPAY_*` environment variables.
//!
//! ```sh
//! GOPAY_GOID=… GOPAY_CLIENT_ID=… GOPAY_CLIENT_SECRET=… cargo run --example get_status -- 3000006529
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(id) = std::env::args()
        .nth(1)
        .and_then(|id| id.parse::<u64>().ok())
    else {
        eprintln!("usage: get_status PAYMENT_ID");
        return ExitCode::from(2);
    };
    let client = match gopay::Config::from_env().and_then(gopay::Client::new) {
        Ok(client) => client,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(2);
        }
    };
    match client.get_status(id) {
        Ok(payment) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&payment).expect("a payment serialises")
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}
