// SPDX-License-Identifier: MIT
// Delivery log lines, differentially: parse_json_line's fast path and its general parser must
// agree on every line the fast path reads (same record), and parse_json_line must answer as the
// general parser does on every line (same success, same record, same message). Each input is
// tried as a whole line, and as the contents of the strings of lines built around it (body_text
// with the body decode_json_string makes of it, a header value, remote): a version 1 line with
// body_b64 of that body, and a version 2 line with body_len and body_sha256 of it, so that the
// escapes and bytes of strings reach the comparison without having to match a body's sha256 by
// chance.
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/log/record_parse.hpp"
#include "core/text/json_scanner.hpp"
#include "fuzz_target.hpp"

#include <string>
#include <string_view>
#include <utility>

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

// The two lines whose strings hold `input` as written; the body is what decode_json_string
// makes of it, which the general parser checks on its own (nlohmann decodes body_text).
std::pair<std::string, std::string> lines_around(std::string_view input) {
    std::string token = "\"" + std::string(input) + "\"";
    std::string body;
    if (!hooks::text::decode_json_string(token, body)) {
        body.clear();
    }
    std::string head = R"(,"seq":1,"received_at":"2026-11-23T13:20:05Z","remote":)" + token +
                       R"(,"method":"POST","target":"/","headers":[["X",)" + token + "]]";
    std::string v1 = R"({"v":1)" + head + R"(,"body_b64":")" + hooks::crypto::base64_encode(body) +
                     R"(","body_text":)" + token + "}";
    std::string v2 = R"({"v":2)" + head + R"(,"body_text":)" + token + R"(,"body_len":)" +
                     std::to_string(body.size()) + R"(,"body_sha256":")" +
                     hooks::crypto::hex_encode(
                         hooks::crypto::digest(hooks::crypto::DigestAlgorithm::sha256, body)) +
                     R"(","verify":{"provider":null,"ok":null,"reason":null}})";
    return {std::move(v1), std::move(v2)};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_paths_agree(input);
    auto [v1, v2] = lines_around(input);
    check_paths_agree(v1);
    check_paths_agree(v2);
    return 0;
}
