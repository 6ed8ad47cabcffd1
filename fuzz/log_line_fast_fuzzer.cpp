// SPDX-License-Identifier: MIT
// Delivery log lines, differentially: parse_json_line's fast path and its general parser must
// agree on every line the fast path reads (same record), and parse_json_line must answer as the
// general parser does on every line (same success, same record, same message). Each input is
// tried as a whole line, and as the contents of the strings of a line built around it (body_text
// with the body decode_json_string makes of it, a header value, remote), so that the escapes and
// bytes of strings reach the comparison without having to match a body's sha256 by chance.
#include "core/crypto/encoding.hpp"
#include "core/log/record_parse.hpp"
#include "core/text/json_scanner.hpp"
#include "fuzz_target.hpp"

#include <string>
#include <string_view>

namespace {

void check_paths_agree(std::string_view line) {
    auto slow = hooks::log::detail::parse_json_line_slow(line);
    auto fast = hooks::log::detail::parse_json_line_fast(line);
    if (fast) {
        HOOKS_FUZZ_CHECK(slow.has_value());
        HOOKS_FUZZ_CHECK(*fast == *slow);
    }
    auto parsed = hooks::log::parse_json_line(line);
    HOOKS_FUZZ_CHECK(parsed.has_value() == slow.has_value());
    if (parsed) {
        HOOKS_FUZZ_CHECK(*parsed == *slow);
    } else {
        HOOKS_FUZZ_CHECK(parsed.error().message == slow.error().message);
        HOOKS_FUZZ_CHECK(parsed.error().kind == slow.error().kind);
    }
}

// A line whose strings hold `input` as written; the body is what decode_json_string makes of
// it, which the general parser checks on its own (nlohmann decodes body_text).
std::string line_around(std::string_view input) {
    std::string token = "\"" + std::string(input) + "\"";
    std::string body;
    if (!hooks::text::decode_json_string(token, body)) {
        body.clear();
    }
    return R"({"v":1,"seq":1,"received_at":"2026-11-23T13:20:05Z","remote":)" + token +
           R"(,"method":"POST","target":"/","headers":[["X",)" + token + R"(]],"body_b64":")" +
           hooks::crypto::base64_encode(body) + R"(","body_text":)" + token + "}";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_paths_agree(input);
    check_paths_agree(line_around(input));
    return 0;
}
