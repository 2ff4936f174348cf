/* Tests of the C ABI as a C program sees it. Prints "N passed, N failed" and exits non-zero
 * on any failure. Built and run (also under valgrind when available) by examples/c/run-tests. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "mailrisk.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static const char SPOOF[] =
    "From: \"ceo@acme-trade.com\" <ceo.office@gmail.com>\r\n"
    "To: finance@acme-trade.com\r\nSubject: urgent\r\n\r\nAre you at your desk?\r\n";

static void *worker(void *arg) {
    const mailrisk_engine *engine = arg;
    int ok = 1;
    for (int i = 0; i < 200; i++) {
        char *json = NULL;
        if (mailrisk_score_message(engine, (const uint8_t *)SPOOF, sizeof SPOOF - 1, &json) != MAILRISK_OK
            || !strstr(json, "identity.display_name_address"))
            ok = 0;
        mailrisk_string_free(json);
    }
    return ok ? arg : NULL;
}

int main(void) {
    CHECK(strlen(mailrisk_version()) > 0);

    mailrisk_engine *engine = NULL;
    CHECK(mailrisk_engine_new(NULL, 0, &engine, NULL) == MAILRISK_OK && engine != NULL);

    char *json = NULL;
    CHECK(mailrisk_score_message(engine, (const uint8_t *)SPOOF, sizeof SPOOF - 1, &json) == MAILRISK_OK);
    CHECK(json && strstr(json, "\"rule\":\"identity.display_name_address\""));
    CHECK(json && strstr(json, "\"level\":\"high\""));
    mailrisk_string_free(json);

    /* Empty and binary input: a verdict, not a crash. */
    json = NULL;
    CHECK(mailrisk_score_message(engine, NULL, 0, &json) == MAILRISK_OK);
    CHECK(json && strstr(json, "no_header_section"));
    mailrisk_string_free(json);
    const uint8_t junk[] = {0xff, 0x00, 0xfe, '\r', '\n', 0x80};
    json = NULL;
    CHECK(mailrisk_score_message(engine, junk, sizeof junk, &json) == MAILRISK_OK && json);
    mailrisk_string_free(json);

    /* NULL arguments are reported. */
    CHECK(mailrisk_score_message(NULL, junk, sizeof junk, &json) == MAILRISK_NULL_ARGUMENT);
    CHECK(mailrisk_score_message(engine, NULL, 5, &json) == MAILRISK_NULL_ARGUMENT);
    CHECK(mailrisk_score_message(engine, junk, sizeof junk, NULL) == MAILRISK_NULL_ARGUMENT);
    CHECK(mailrisk_engine_new(NULL, 0, NULL, NULL) == MAILRISK_NULL_ARGUMENT);

    /* One engine, several threads. */
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, engine);
    for (int i = 0; i < 4; i++) { void *r = NULL; pthread_join(t[i], &r); CHECK(r == engine); }
    mailrisk_engine_free(engine);

    /* A policy with an error names the path. */
    const char bad[] = "[[people]]\nname = \"Bob\"\naddresses = [\"bob@\"]\n";
    char *error = NULL;
    engine = NULL;
    CHECK(mailrisk_engine_new(bad, sizeof bad - 1, &engine, &error) == MAILRISK_INVALID_POLICY);
    CHECK(engine == NULL);
    CHECK(error && strstr(error, "people[0].addresses[0]"));
    mailrisk_string_free(error);
    const char not_utf8[] = "name = \"\xff\"\n";
    error = NULL;
    CHECK(mailrisk_engine_new(not_utf8, sizeof not_utf8 - 1, &engine, &error) == MAILRISK_INVALID_UTF8);
    mailrisk_string_free(error);

    /* A valid policy changes the verdict: the organisation's own domain weighs more. */
    const char good[] = "[organisation]\ndomains = [\"acme-trade.com\"]\n";
    CHECK(mailrisk_engine_new(good, sizeof good - 1, &engine, NULL) == MAILRISK_OK);
    json = NULL;
    CHECK(mailrisk_score_message(engine, (const uint8_t *)SPOOF, sizeof SPOOF - 1, &json) == MAILRISK_OK);
    CHECK(json && strstr(json, "\"target\":\"organisation\""));
    mailrisk_string_free(json);
    mailrisk_engine_free(engine);
    mailrisk_engine_free(NULL);
    mailrisk_string_free(NULL);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
