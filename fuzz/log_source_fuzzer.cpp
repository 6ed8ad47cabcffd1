// SPDX-License-Identifier: MIT
// What `hooks replay` reads: a JSONL log or a HAR document, told apart by the first key.
// Errors are one line; every record read back writes as one line that parses to an equal
// record; reading stops at the first error.
#include "core/log/source.hpp"
#include "fuzz_target.hpp"

#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
    auto source = hooks::log::Source::open(input, "fuzz");
    if (!source) {
        HOOKS_FUZZ_CHECK(source.error().message.find_first_of("\r\n") == std::string::npos);
        return 0;
    }
    for (std::size_t count = 0;; ++count) {
        auto record = (*source)->next();
        if (!record) {
            HOOKS_FUZZ_CHECK(record.error().message.find_first_of("\r\n") == std::string::npos);
            return 0;
        }
        if (!*record) {
            HOOKS_FUZZ_CHECK((*source)->warning().find_first_of("\r\n") == std::string::npos);
            return 0;
        }
        HOOKS_FUZZ_CHECK(count <= size); // a record costs at least a byte of input
        std::string line = hooks::log::to_json_line(**record);
        auto reparsed =
            hooks::log::parse_json_line(std::string_view(line).substr(0, line.size() - 1));
        HOOKS_FUZZ_CHECK(reparsed.has_value() && *reparsed == **record);
    }
}
