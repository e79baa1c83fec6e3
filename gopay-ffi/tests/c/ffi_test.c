/*
 * ffi_test.c - drives the gopay C ABI (include/gopay.h) against the gopay simulator.
 *
 * Run by tests/ffi/ffi_c.rs (cargo test -p gopay-ffi --test ffi), which starts the
 * simulator, passes its address and credentials in GOPAY_GOID, GOPAY_CLIENT_ID,
 * GOPAY_CLIENT_SECRET and GOPAY_GATEWAY_URL, and plays the customer: when this program
 * writes "pay <id>" on stdout, the driver pays that payment in the simulator and answers
 * "ok" (or "error <why>") on stdin. Everything meant for people goes to stderr.
 *
 * Checks: gopay_version() against the header's GOPAY_VERSION_* macros, create -> status ->
 * refund (unpaid: refused; paid: FINISHED), the error JSON of unknown operations, NULL
 * arguments, bytes that are not UTF-8, invalid JSON, bad configurations and bad
 * credentials, and one client shared by several threads.
 * Exits 0 when every check passed, 1 otherwise.
 */

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gopay.h"

#define THREADS 8
#define CALLS_PER_THREAD 10

static int passed;
static int failed;

static void check(int ok, const char *what, const char *json)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "FAIL: %s\n      got: %s\n", what, json ? json : "(NULL)");
}

static int has(const char *json, const char *needle)
{
    return json != NULL && strstr(json, needle) != NULL;
}

/* Whether json is an error object {"error": {...}} of the given kind, with every
 * documented key. */
static int is_error(const char *json, const char *kind)
{
    char needle[64];
    if (json == NULL || strncmp(json, "{\"error\":{", 10) != 0) {
        return 0;
    }
    snprintf(needle, sizeof needle, "\"kind\":\"%s\"", kind);
    return has(json, needle) && has(json, "\"message\":\"") && has(json, "\"status\":")
           && has(json, "\"errors\":[");
}

/* Calls an operation, checks the answer with a predicate-like needle, frees it. */
static void expect_error(GopayClient *client, const char *operation, const char *request,
                         const char *kind, const char *what)
{
    char *answer = gopay_call(client, operation, request);
    check(is_error(answer, kind), what, answer);
    gopay_string_free(answer);
}

/* The value of the first "id" of a JSON object answer, 0 when absent. */
static unsigned long long first_id(const char *json)
{
    const char *at = json ? strstr(json, "\"id\":") : NULL;
    return at ? strtoull(at + 5, NULL, 10) : 0;
}

static const char *env(const char *name)
{
    const char *value = getenv(name);
    if (value == NULL || *value == '\0' || strpbrk(value, "\"\\") != NULL) {
        fprintf(stderr, "ffi_test: %s must be set (without quotes or backslashes)\n", name);
        exit(2);
    }
    return value;
}

static void config_json(char *out, size_t size, const char *secret)
{
    snprintf(out, size,
             "{\"goid\": %s, \"client_id\": \"%s\", \"client_secret\": \"%s\","
             " \"gateway_url\": \"%s\", \"language\": \"CS\", \"timeout_ms\": 10000}",
             env("GOPAY_GOID"), env("GOPAY_CLIENT_ID"), secret, env("GOPAY_GATEWAY_URL"));
}

/* Asks the driver to play the customer and pay payment id. */
static int pay(unsigned long long id)
{
    char line[256];
    printf("pay %llu\n", id);
    fflush(stdout);
    if (fgets(line, sizeof line, stdin) == NULL) {
        return 0;
    }
    return strncmp(line, "ok", 2) == 0;
}

struct worker {
    GopayClient *client;
    const char *request;
    int ok;
    char failure[512];
};

static void *status_worker(void *arg)
{
    struct worker *worker = arg;
    worker->ok = 0;
    for (int i = 0; i < CALLS_PER_THREAD; i++) {
        char *answer = gopay_call(worker->client, "get_status", worker->request);
        int paid = has(answer, "\"state\":\"PAID\"");
        if (!paid) {
            snprintf(worker->failure, sizeof worker->failure, "%s", answer ? answer : "(NULL)");
            gopay_string_free(answer);
            return NULL;
        }
        gopay_string_free(answer);
    }
    worker->ok = 1;
    return NULL;
}

/* The loaded library is the one this program was compiled against: tests/c/run.sh builds
 * both from the same sources. */
static void version(void)
{
    char expected[64];
    const char *loaded = gopay_version();
    snprintf(expected, sizeof expected, "%d.%d.%d", GOPAY_VERSION_MAJOR, GOPAY_VERSION_MINOR,
             GOPAY_VERSION_PATCH);
    check(loaded != NULL && strcmp(loaded, expected) == 0,
          "gopay_version() is the header's GOPAY_VERSION_MAJOR.MINOR.PATCH", loaded);
    check(gopay_version() == loaded, "gopay_version() answers the same static string", NULL);
    fprintf(stderr, "ffi_test: libgopay_ffi %s, header %s\n", loaded ? loaded : "(NULL)",
            expected);
}

static void configuration_errors(void)
{
    char *error = NULL;
    GopayClient *client = gopay_client_new(NULL, &error);
    check(client == NULL && is_error(error, "ffi") && has(error, "config_json is NULL"),
          "gopay_client_new(NULL) is an ffi error", error);
    gopay_string_free(error);

    error = NULL;
    client = gopay_client_new("{\"goid\": ", &error);
    check(client == NULL && is_error(error, "ffi") && has(error, "not valid JSON"),
          "gopay_client_new with invalid JSON is an ffi error", error);
    gopay_string_free(error);

    error = NULL;
    client = gopay_client_new("{\"goid\": 1, \"client_id\": \"a\", \"client_secret\": \"b\","
                              " \"gateway_url\": \"http://127.0.0.1:9\", \"timeout\": 5}",
                              &error);
    check(client == NULL && is_error(error, "config") &&
              has(error, "key 5 of the object, a name of 7 characters") && !has(error, "timeout\\\""),
          "an unknown configuration key is a config error naming its place, not its name", error);
    gopay_string_free(error);

    error = NULL;
    client = gopay_client_new("{\"goid\": 1, \"client_id\": \"a\", \"client_secret\": \"b\","
                              " \"gateway_url\": \"http://127.0.0.1:9\", \"scope\": \"all\"}",
                              &error);
    check(client == NULL && is_error(error, "config") && has(error, "scope"),
          "a bad scope is a config error", error);
    gopay_string_free(error);

    /* A NULL error pointer is allowed. */
    check(gopay_client_new("{}", NULL) == NULL, "gopay_client_new(\"{}\", NULL) is NULL",
          NULL);
}

static void call_errors(GopayClient *client)
{
    expect_error(client, "no_such_operation", "{}", "ffi", "an unknown operation is an ffi error");
    expect_error(client, NULL, "{}", "ffi", "a NULL operation is an ffi error");
    expect_error(client, "get_status", NULL, "ffi", "a NULL request is an ffi error");
    expect_error(NULL, "get_status", "{\"id\": 1}", "ffi", "a NULL client is an ffi error");
    expect_error(client, "get_status", "{\"id\": ", "ffi", "invalid JSON is an ffi error");
    expect_error(client, "get_status", "[1]", "ffi", "a request that is not an object is an ffi error");
    expect_error(client, "get_\xff", "{}", "ffi", "an operation that is not UTF-8 is an ffi error");
    expect_error(client, "get_status", "{\"id\": \"\xc3\"}", "ffi",
                 "a request that is not UTF-8 is an ffi error");

    char *answer = gopay_call(client, "get_status", "{}");
    check(is_error(answer, "invalid_input") && has(answer, "\"field\":\"id\""),
          "a missing argument is invalid_input naming it", answer);
    gopay_string_free(answer);

    answer = gopay_call(client, "refund_payment", "{\"id\": 1, \"amount\": 0}");
    check(is_error(answer, "invalid_input") && has(answer, "\"field\":\"amount\""),
          "a zero refund is refused before sending", answer);
    gopay_string_free(answer);

    answer = gopay_call(client, "get_status", "{\"id\": 1, \"payment_id\": 1}");
    check(is_error(answer, "invalid_input") && has(answer, "\"field\":\"payment_id\""),
          "an unknown argument is invalid_input naming it", answer);
    gopay_string_free(answer);
}

int main(void)
{
    char config[1024];
    char request[256];
    char *error = (char *)"untouched";

    version();
    configuration_errors();

    config_json(config, sizeof config, env("GOPAY_CLIENT_SECRET"));
    GopayClient *client = gopay_client_new(config, &error);
    check(client != NULL && error == NULL, "gopay_client_new accepts the simulator's config",
          error);
    if (client == NULL) {
        gopay_string_free(error);
        fprintf(stderr, "ffi_test: %d passed, %d failed\n", passed, failed);
        return 1;
    }

    /* create -> status */
    char *created = gopay_call(
        client, "create_payment",
        "{\"payment\": {\"amount\": 10000, \"currency\": \"CZK\", \"order_number\": \"ffi-1\","
        " \"order_description\": \"C ABI test\","
        " \"items\": [{\"name\": \"T-shirt\", \"amount\": 10000, \"count\": 1}],"
        " \"callback\": {\"return_url\": \"https://shop.example/return\","
        " \"notification_url\": \"https://shop.example/notify\"}}}");
    unsigned long long id = first_id(created);
    check(id > 0 && has(created, "\"gw_url\":\"http") && has(created, "\"state\":\"CREATED\""),
          "create_payment returns an id and a gw_url", created);
    gopay_string_free(created);
    if (id == 0) {
        gopay_client_free(client);
        fprintf(stderr, "ffi_test: %d passed, %d failed\n", passed, failed);
        return 1;
    }
    snprintf(request, sizeof request, "{\"id\": %llu}", id);

    char *status = gopay_call(client, "get_status", request);
    check(first_id(status) == id && has(status, "\"state\":\"CREATED\""),
          "get_status of a new payment is CREATED", status);
    gopay_string_free(status);

    /* GoPay refuses to refund a payment nobody paid. */
    snprintf(request, sizeof request, "{\"id\": %llu, \"amount\": 10000}", id);
    char *refused = gopay_call(client, "refund_payment", request);
    check(is_error(refused, "api") && !has(refused, "\"status\":null")
              && has(refused, "\"error_code\":"),
          "refund_payment of an unpaid payment is an api error with GoPay's details", refused);
    gopay_string_free(refused);

    /* The customer pays; the status follows. */
    check(pay(id), "the driver paid the payment", NULL);
    snprintf(request, sizeof request, "{\"id\": %llu}", id);
    status = gopay_call(client, "get_status", request);
    check(has(status, "\"state\":\"PAID\""), "get_status after paying is PAID", status);
    gopay_string_free(status);

    /* One client, many threads. */
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    int started = 0;
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){client, request, 0, ""};
        if (pthread_create(&threads[i], NULL, status_worker, &workers[i]) == 0) {
            started++;
        } else {
            break;
        }
    }
    int threads_ok = started == THREADS;
    const char *thread_failure = NULL;
    for (int i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        if (!workers[i].ok) {
            threads_ok = 0;
            thread_failure = workers[i].failure;
        }
    }
    check(threads_ok, "8 threads x 10 get_status on one client all see PAID", thread_failure);

    /* refund */
    snprintf(request, sizeof request, "{\"id\": %llu, \"amount\": 10000}", id);
    char *refund = gopay_call(client, "refund_payment", request);
    check(first_id(refund) == id && has(refund, "\"result\":\"FINISHED\""),
          "refund_payment of the paid payment is FINISHED", refund);
    gopay_string_free(refund);

    snprintf(request, sizeof request, "{\"id\": %llu}", id);
    char *history = gopay_call(client, "get_history_of_refunds", request);
    check(history != NULL && history[0] == '[' && has(history, "\"amount\":10000"),
          "get_history_of_refunds lists the refund", history);
    gopay_string_free(history);

    char *url = gopay_call(client, "embed_js_url", "{}");
    check(has(url, "{\"url\":\"http") && has(url, "/gp-gw/js/embed.js\""),
          "embed_js_url answers {\"url\": ...}", url);
    gopay_string_free(url);

    call_errors(client);
    gopay_client_free(client);

    /* Bad credentials: the client builds, the first call is refused. */
    config_json(config, sizeof config, "not-the-secret");
    error = NULL;
    GopayClient *impostor = gopay_client_new(config, &error);
    check(impostor != NULL && error == NULL, "a client with a wrong secret still builds", error);
    gopay_string_free(error);
    char *denied = gopay_call(impostor, "get_status", request);
    check(is_error(denied, "auth") && !has(denied, "not-the-secret"),
          "a wrong secret is an auth error that does not repeat the secret", denied);
    gopay_string_free(denied);
    gopay_client_free(impostor);

    gopay_client_free(NULL);
    gopay_string_free(NULL);

    fprintf(stderr, "ffi_test: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
