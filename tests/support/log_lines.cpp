// SPDX-License-Identifier: MIT
#include "support/log_lines.hpp"

#include "core/crypto/encoding.hpp"

#include <stdexcept>
#include <string_view>

namespace hooks::testing {

std::string to_v1_json_line(const log::Record& record) {
    std::string line = log::to_json_line(record);
    constexpr std::string_view k_head = R"({"v":2,)";
    constexpr std::string_view k_length = R"(,"body_len":)";
    constexpr std::string_view k_sha = R"(,"body_sha256":")";
    // Version 2 puts body_text or body_b64 before body_len; version 1 put body_b64 there and
    // body_text after body_sha256 (64 hex digits and a quote).
    std::size_t length = line.find(k_length);
    std::size_t text = line.rfind(R"(,"body_text":)", length);
    std::size_t base64 = line.rfind(R"(,"body_b64":)", length);
    std::size_t body = text != std::string::npos ? text : base64;
    std::size_t sha_end = line.find(k_sha, length) + k_sha.size() + 65;
    if (!line.starts_with(k_head) || length == std::string::npos || body == std::string::npos) {
        throw std::logic_error("to_json_line no longer writes version 2 as to_v1_json_line knows");
    }
    std::string v1 = R"({"v":1,)" + line.substr(k_head.size(), body - k_head.size());
    v1 += R"(,"body_b64":")" + crypto::base64_encode(record.message.body) + '"';
    v1 += line.substr(length, sha_end - length);
    if (text != std::string::npos) {
        v1 += line.substr(text, length - text);
    }
    v1 += line.substr(sha_end);
    return v1;
}

} // namespace hooks::testing
