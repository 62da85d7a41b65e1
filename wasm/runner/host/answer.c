/*
 * Loads a runner library the way PHP FFI does (dlopen, then the C ABI of wasm/runner/src/lib.rs)
 * and answers each line of standard input, one answer per line. The plugin zip's check builds it
 * for each CPU the zip ships a library for and runs it (under qemu for other CPUs).
 *
 *   answer LIBRARY MODULE.wasm < requests.jsonl
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void *(*runner_new_fn)(const char *, size_t, uint64_t, size_t, size_t, char **);
typedef char *(*runner_call_fn)(void *, const char *, size_t);
typedef void (*runner_free_answer_fn)(char *);
typedef void (*runner_free_fn)(void *);
typedef const char *(*runner_version_fn)(void);

static void *symbol(void *library, const char *name) {
    void *found = dlsym(library, name);
    if (!found) {
        fprintf(stderr, "answer: %s is not exported\n", name);
        exit(2);
    }
    return found;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: answer LIBRARY MODULE.wasm < requests\n");
        return 2;
    }
    void *library = dlopen(argv[1], RTLD_NOW);
    if (!library) {
        fprintf(stderr, "answer: %s\n", dlerror());
        return 2;
    }
    runner_new_fn runner_new = (runner_new_fn)symbol(library, "sanalpos_runner_new");
    runner_call_fn runner_call = (runner_call_fn)symbol(library, "sanalpos_runner_call");
    runner_free_answer_fn free_answer = (runner_free_answer_fn)symbol(library, "sanalpos_runner_free_answer");
    runner_free_fn runner_free = (runner_free_fn)symbol(library, "sanalpos_runner_free");
    runner_version_fn runner_version = (runner_version_fn)symbol(library, "sanalpos_runner_version");
    fprintf(stderr, "answer: runner %s\n", runner_version());

    FILE *file = fopen(argv[2], "rb");
    if (!file) {
        perror(argv[2]);
        return 2;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    char *module = malloc((size_t)size);
    if (!module || fread(module, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "answer: cannot read %s\n", argv[2]);
        return 2;
    }
    fclose(file);

    /* The FFI engine's limits (plugin-php/src/Engine/FfiEngine.php). */
    char *error = NULL;
    void *runner = runner_new(module, (size_t)size, 100000000, 32u << 20, (1u << 20) + (64u << 10), &error);
    if (!runner) {
        fprintf(stderr, "answer: %s\n", error ? error : "no runner");
        return 1;
    }
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    while ((length = getline(&line, &capacity, stdin)) != -1) {
        while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) {
            length--;
        }
        if (length == 0) {
            continue; /* as the command-line tool does */
        }
        char *answer = runner_call(runner, line, (size_t)length);
        puts(answer);
        free_answer(answer);
    }
    runner_free(runner);
    free(line);
    free(module);
    return 0;
}
