// SPDX-License-Identifier: MIT
// Delivery log lines, differentially: parse_json_line's fast path and its general parser must
// agree on every line the fast path reads (same record), and parse_json_line must answer as the
// general parser does on every line (same success, same record, same message).
#include "core/log/record_parse.hpp"
#include "fuzz_target.hpp"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto slow = hooks::log::detail::parse_json_line_slow(input);
    auto fast = hooks::log::detail::parse_json_line_fast(input);
    if (fast) {
        HOOKS_FUZZ_CHECK(slow.has_value());
        HOOKS_FUZZ_CHECK(*fast == *slow);
    }
    auto line = hooks::log::parse_json_line(input);
    HOOKS_FUZZ_CHECK(line.has_value() == slow.has_value());
    if (line) {
        HOOKS_FUZZ_CHECK(*line == *slow);
    } else {
        HOOKS_FUZZ_CHECK(line.error().message == slow.error().message);
        HOOKS_FUZZ_CHECK(line.error().kind == slow.error().kind);
    }
    return 0;
}
