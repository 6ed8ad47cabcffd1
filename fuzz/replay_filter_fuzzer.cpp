// SPDX-License-Identifier: MIT
// `replay --filter` expressions, one per input line: errors are one line naming the
// expression; a filter that parses decides on any record without failing.
#include "core/replay/filter.hpp"
#include "fuzz_target.hpp"

#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> expressions;
    for (std::size_t start = 0; start <= text.size();) {
        auto end = text.find('\n', start);
        expressions.push_back(text.substr(start, end - start));
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
    auto filter = hooks::replay::Filter::parse(expressions, now);
    if (!filter) {
        HOOKS_FUZZ_CHECK(filter.error().message.find_first_of("\r\n") == std::string::npos);
        HOOKS_FUZZ_CHECK(filter.error().message.starts_with("--filter '"));
        return 0;
    }
    hooks::log::Record record;
    record.seq = 42;
    record.received_at = now;
    record.message.target = "/hooks/stripe?x=1";
    record.verify = hooks::log::VerifyOutcome{"stripe", true, ""};
    record.response_status = 204;
    hooks::replay::RecordFacts facts{"stripe", "evt_1", "invoice.paid"};
    bool first = filter->matches(record, facts);
    HOOKS_FUZZ_CHECK(first == filter->matches(record, facts));
    (void)filter->matches(hooks::log::Record{}, hooks::replay::RecordFacts{});
    return 0;
}
