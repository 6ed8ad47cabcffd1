// SPDX-License-Identifier: MIT
// Delivery log lines (the log reader's parser): errors are one line; a line that parses is
// written back by to_json_line as one line that parses to an equal record, and writing that
// record again gives the same bytes.
#include "core/log/record.hpp"
#include "fuzz_target.hpp"

#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto record = hooks::log::parse_json_line(input);
    if (!record) {
        HOOKS_FUZZ_CHECK(record.error().message.find_first_of("\r\n") == std::string::npos);
        return 0;
    }
    std::string line = hooks::log::to_json_line(*record);
    HOOKS_FUZZ_CHECK(!line.empty() && line.back() == '\n');
    HOOKS_FUZZ_CHECK(line.find('\n') == line.size() - 1);
    auto reparsed = hooks::log::parse_json_line(std::string_view(line).substr(0, line.size() - 1));
    HOOKS_FUZZ_CHECK(reparsed.has_value());
    HOOKS_FUZZ_CHECK(*reparsed == *record);
    HOOKS_FUZZ_CHECK(hooks::log::to_json_line(*reparsed) == line);
    return 0;
}
