/*
 * example.c - the smallest complete program on the gopay C library, as README.md shows it:
 * it creates a payment and prints GoPay's answer, whose gw_url is where the customer pays.
 *
 * The credentials come from the environment (GOPAY_GOID, GOPAY_CLIENT_ID,
 * GOPAY_CLIENT_SECRET, GOPAY_GATEWAY_URL), never from the source. tests/c/run.sh compiles
 * it against the installed library and tests/ffi/ffi_c.rs runs it against the simulator.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gopay.h>

/* An environment variable, or exit. The values are pasted into JSON as they are, so they
 * must not hold quotes or backslashes. */
static const char *need(const char *name)
{
    const char *value = getenv(name);
    if (value == NULL || *value == '\0' || strpbrk(value, "\"\\") != NULL) {
        fprintf(stderr, "example: set %s (without quotes or backslashes)\n", name);
        exit(2);
    }
    return value;
}

int main(void)
{
    char config[1024];
    int length = snprintf(config, sizeof config,
                          "{\"goid\": %s, \"client_id\": \"%s\", \"client_secret\": \"%s\","
                          " \"gateway_url\": \"%s\"}",
                          need("GOPAY_GOID"), need("GOPAY_CLIENT_ID"),
                          need("GOPAY_CLIENT_SECRET"), need("GOPAY_GATEWAY_URL"));
    if (length < 0 || (size_t)length >= sizeof config) {
        fprintf(stderr, "example: the configuration is too long\n");
        return 2;
    }

    /* A static string: never freed. */
    printf("libgopay_ffi %s\n", gopay_version());

    char *error = NULL;
    GopayClient *client = gopay_client_new(config, &error);
    if (client == NULL) {
        fprintf(stderr, "example: %s\n", error);
        gopay_string_free(error);
        return 1;
    }

    /* Amounts in minor units: 10000 is 100.00 CZK. */
    char *payment = gopay_call(
        client, "create_payment",
        "{\"payment\": {\"amount\": 10000, \"currency\": \"CZK\", \"order_number\": \"42\","
        " \"order_description\": \"T-shirt\","
        " \"items\": [{\"name\": \"T-shirt\", \"amount\": 10000, \"count\": 1}],"
        " \"callback\": {\"return_url\": \"https://shop.example/return\","
        " \"notification_url\": \"https://shop.example/notify\"}}}");
    /* Either the payment {"id": ..., "gw_url": ..., ...} or {"error": {...}}. */
    int created = strncmp(payment, "{\"error\":", 9) != 0;
    printf("%s\n", payment);
    gopay_string_free(payment);

    gopay_client_free(client);
    return created ? 0 : 1;
}
