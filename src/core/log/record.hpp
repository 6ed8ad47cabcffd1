// SPDX-License-Identifier: MIT
/// The delivery log, JSONL v1 (PRODUCT.md section 4): one JSON object per line, bodies and
/// header values byte-exact. This header holds the record and its one-line JSON form.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hooks::log {

/// What verification concluded when the delivery arrived.
struct VerifyOutcome {
    std::string provider;
    bool ok = false;
    std::string reason;
    bool operator==(const VerifyOutcome&) const = default;
};

/// One delivery as recorded.
struct Record {
    std::uint64_t seq = 0;
    std::optional<std::string> id; ///< the provider's delivery id, when there is one
    std::chrono::system_clock::time_point received_at;
    std::string remote;
    message::Message message; ///< method, target, headers (wire order), raw body
    std::optional<VerifyOutcome> verify;
    std::optional<int> response_status;
};

/// The record as one line of JSON ending in '\n'. Fields: v, seq, id, received_at (RFC 3339
/// UTC, milliseconds), remote, method, target, headers ([name, value] pairs; a value that is
/// not valid UTF-8 is written as {"b64": "..."}), body_b64, body_len, body_sha256 (hex),
/// body_text (only when the body is valid UTF-8), verify, response.
std::string to_json_line(const Record& record);

/// Parses one line (without its '\n'). Checks `v` is 1, required fields are present with the
/// right types, body_b64 decodes and matches body_len and body_sha256. The error names the
/// field at fault.
Result<Record> parse_json_line(std::string_view line);

/// "2026-11-23T13:20:00.123Z"
std::string format_rfc3339(std::chrono::system_clock::time_point time);

} // namespace hooks::log
