// SPDX-License-Identifier: MIT
/// The libFuzzer entry point every fuzz target defines, and the invariant check they share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

/// Runs one input through the parser under test; always returns 0. A broken invariant aborts.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

/// Aborts with the failed condition when an invariant does not hold. `abort` (not a return
/// value) is what both libFuzzer and the corpus replay tests recognise as a failure.
#define HOOKS_FUZZ_CHECK(condition)                                                                \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
