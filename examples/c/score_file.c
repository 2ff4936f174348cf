/* score_file: score one .eml file with libmailrisk and print the verdict JSON.
 *
 *   gcc -o score_file score_file.c -I ../../ffi/include -L ../../target/release -lmailrisk
 *   LD_LIBRARY_PATH=../../target/release ./score_file message.eml [policy.toml]
 *
 * Exit status: 0 scored, 1 usage or I/O error, 2 mailrisk error. */
#include <stdio.h>
#include <stdlib.h>
#include "mailrisk.h"

static unsigned char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap *= 2);
            if (!bigger) { free(buf); buf = NULL; }
            else buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s MESSAGE.eml [POLICY.toml]\n", argv[0]);
        return 1;
    }
    size_t len = 0, policy_len = 0;
    unsigned char *raw = read_file(argv[1], &len);
    if (!raw) { perror(argv[1]); return 1; }
    unsigned char *policy = NULL;
    if (argc > 2 && !(policy = read_file(argv[2], &policy_len))) { perror(argv[2]); free(raw); return 1; }

    mailrisk_engine *engine = NULL;
    char *error = NULL;
    mailrisk_result rc = mailrisk_engine_new((const char *)policy, policy_len, &engine, &error);
    free(policy);
    if (rc != MAILRISK_OK) {
        fprintf(stderr, "mailrisk: policy error %d: %s\n", (int)rc, error ? error : "");
        mailrisk_string_free(error);
        free(raw);
        return 2;
    }
    char *json = NULL;
    rc = mailrisk_score_message(engine, raw, len, &json);
    free(raw);
    if (rc != MAILRISK_OK) {
        fprintf(stderr, "mailrisk: scoring error %d\n", (int)rc);
        mailrisk_engine_free(engine);
        return 2;
    }
    printf("%s\n", json);
    mailrisk_string_free(json);
    mailrisk_engine_free(engine);
    return 0;
}
