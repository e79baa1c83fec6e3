/*
 * gopay.h - C interface of the `gopay` Rust crate (GoPay payment gateway, REST API v3),
 * built by the `gopay-ffi` crate.
 *
 * Build the shared and the static library with
 *
 *     cargo build --release -p gopay-ffi
 *
 * which writes target/release/libgopay_ffi.so and libgopay_ffi.a (libgopay_ffi.dylib on
 * macOS, gopay_ffi.dll on Windows; under $CARGO_TARGET_DIR/release when that variable is
 * set). Link with -lgopay_ffi; install.sh installs the libraries, this header and a
 * pkg-config file (gopay_ffi). On Linux the shared library's SONAME is libgopay_ffi.so.0.
 *
 * Everything goes through JSON: a client is made from a JSON configuration, and each
 * operation takes its arguments as a JSON object and answers with JSON (UTF-8, compact).
 *
 * OWNERSHIP
 *   - Strings passed in (config_json, operation, request_json) stay owned by the caller;
 *     the library copies what it needs and keeps no pointer to them after the call.
 *   - Every char * the library returns (the result of gopay_call, the *error of
 *     gopay_client_new) belongs to the caller, who frees it exactly once with
 *     gopay_string_free() - never with free(): it comes from Rust's allocator.
 *   - A GopayClient is freed exactly once with gopay_client_free().
 *   - The string of gopay_version() is static: never free it.
 *
 * THREADS
 *   A GopayClient may be used by any number of threads at the same time: it shares one
 *   access token and one connection pool between them, and fetches a new token at most
 *   once at a time. Free it only after every gopay_call on it has returned. All functions
 *   block the calling thread; each call is bounded by the client's timeout.
 *
 * ERRORS
 *   A failure is a JSON object with the single key "error":
 *
 *     {"error": {"kind": "api",
 *                "message": "GoPay refused the request (HTTP 409): 303 PAYMENT_WRONG_STATE: ...",
 *                "status": 409,
 *                "errors": [{"scope": "G", "error_code": 303,
 *                            "error_name": "PAYMENT_WRONG_STATE", "message": "..."}]}}
 *
 *   "message" is one line, without control characters or bidirectional overrides, and
 *   never contains the client secret or an access token; a configuration error never
 *   quotes a value or an unknown key's name (an unknown key is named by its position and
 *   length, a refused gateway URL by its scheme and host at most). In every string this
 *   library returns, DEL, C1 controls and bidirectional controls are \uXXXX escapes;
 *   "status" is the HTTP status GoPay answered with, or null; "errors" is GoPay's
 *   errors[] list (possibly empty). "kind" is one of:
 *
 *     "api"           GoPay refused the request (see status and errors)
 *     "auth"          the credentials, the scope or the token were refused
 *     "transport"     no answer: connection, DNS, TLS (after a POST, query the payment's
 *                     status before repeating it)
 *     "timeout"       the call ran out of its time budget (same advice)
 *     "decode"        GoPay's answer was not what its documentation describes
 *     "invalid_input" an argument is missing, unknown, malformed or refused before
 *                     sending; the extra key "field" names it
 *     "config"        gopay_client_new refused the configuration
 *     "ffi"           misuse of this interface: a NULL pointer, a string that is not
 *                     UTF-8, JSON that does not parse or is not an object, an unknown
 *                     operation, or an internal panic caught at the boundary
 */

#ifndef GOPAY_H
#define GOPAY_H

/*
 * The version of the library this header belongs to. gopay_version() answers the version
 * of the library loaded at run time; the two differ when the program was compiled against
 * another release than the one installed.
 */
#define GOPAY_VERSION_MAJOR 0
#define GOPAY_VERSION_MINOR 1
#define GOPAY_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

/* An opaque GoPay client. Made by gopay_client_new, freed by gopay_client_free. */
typedef struct GopayClient GopayClient;

/*
 * Creates a client. Does not touch the network: the first call fetches the first token.
 *
 * config_json is a JSON object:
 *
 *   {"goid": 8123456789,                           number, required
 *    "client_id": "1744960415",                     string, required
 *    "client_secret": "...",                        string, required
 *    "gateway_url": "https://gw.sandbox.gopay.com/api",  string, required
 *    "scope": "payment-all",        optional: "payment-all" (default) or "payment-create"
 *    "language": "CS",              optional: "CS", "EN" (default), "SK", "DE", ...
 *    "timeout_ms": 30000}           optional: bound on every call, 30000 by default
 *
 * Unknown and repeated keys are refused. The gateway URL may be https://host, https://host/api (with or
 * without a trailing slash); plain http:// is accepted for loopback hosts only.
 *
 * Returns the client, or NULL on failure. When error is not NULL, *error is set to NULL on
 * success and, on failure, to an error JSON (kind "config", or "ffi" for a NULL, non-UTF-8
 * or unparsable config_json) that the caller frees with gopay_string_free.
 */
GopayClient *gopay_client_new(const char *config_json, char **error);

/*
 * Frees a client made by gopay_client_new. NULL is ignored. No thread may be using the
 * client any more, and the pointer must not be used afterwards.
 */
void gopay_client_free(GopayClient *client);

/*
 * Runs one operation and returns its answer as JSON, or an error object {"error": {...}}
 * (see ERRORS). Never returns NULL. The caller frees the result with gopay_string_free.
 *
 * operation is the name of a method of the Rust gopay::Client, and request_json a JSON
 * object holding its arguments by parameter name ("{}" when it takes none). Requests and
 * answers use GoPay's wire field names (the REST API's JSON):
 *
 *   operation                      request_json                          answer
 *   create_payment                 {"payment": {"amount": 10000, "currency": "CZK",
 *                                   "order_number": "42", ...}}          payment
 *   get_status                     {"id": 3000006529}                    payment
 *   refund_payment                 {"id": 3000006529, "amount": 500}     {"id", "result"}
 *   refund_payment_with_items      {"id": ..., "refund": {...}}          {"id", "result"}
 *   get_history_of_refunds         {"id": ...}                           [refund, ...]
 *   create_recurrence              {"id": ..., "next": {...}}            payment
 *   void_recurrence                {"id": ...}                           {"id", "result"}
 *   capture_authorization          {"id": ...}                           {"id", "result"}
 *   capture_authorization_partial  {"id": ..., "capture": {...}}         {"id", "result"}
 *   void_authorization             {"id": ...}                           {"id", "result"}
 *   get_qr_payment                 {"id": ..., "format": "svg"}          QR payment
 *                                  ("format" optional: "png" or "svg")
 *   get_card_details               {"card_id": ...}                      card
 *   delete_card                    {"card_id": ...}                      {}
 *   get_payment_instruments        {"currency": "CZK"}                   instruments
 *   get_payment_instruments_all    {}                                    instruments
 *   get_account_statement          {"request": {"date_from": "2025-01-01",
 *                                   "date_to": "2025-01-31", "goid": ..., "currency": "CZK",
 *                                   "format": "CSV_A"}}                  {"base64": "..."}
 *   embed_js_url                   {}                                    {"url": "..."}
 *   handle_notification            {"query": "id=3000006529"}            payment
 *   get_eet_receipt_by_payment_id  {"id": ...}           (EET, abolished in 2023: only in a
 *                                                        library built with feature eet)
 *   find_eet_receipts_by_filter    {"filter": {...}}     (the same)
 *
 * A success is the operation's JSON: an object, or an array for the list operations; a
 * failure is always an object whose only key is "error". Ids are JSON integers, amounts
 * integers in minor units (10000 = 100.00 CZK). Unknown argument names are refused.
 *
 * Blocks until GoPay answers or the client's timeout passes. Safe to call from many threads
 * with the same client. A POST that failed with kind "transport" or "timeout" may or may
 * not have reached GoPay: it is never repeated automatically.
 */
char *gopay_call(GopayClient *client, const char *operation, const char *request_json);

/*
 * Frees a string returned by gopay_call or stored in *error by gopay_client_new. NULL is
 * ignored. Each string must be freed exactly once.
 */
void gopay_string_free(char *string);

/*
 * The version of the loaded library, "MAJOR.MINOR.PATCH" (for example "0.1.0"). The string
 * is static and lives as long as the library is loaded: never free it, never write to it.
 * Safe to call from any thread, at any time, without a client.
 */
const char *gopay_version(void);

#ifdef __cplusplus
}
#endif

#endif /* GOPAY_H */
