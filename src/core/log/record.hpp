// SPDX-License-Identifier: MIT
/// The delivery log, JSONL version 2 (PRODUCT.md section 4; version 1 is still read): one JSON
/// object per line, bodies and header values byte-exact. This header holds the record and its
/// one-line JSON form.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"
#include "core/time/rfc3339.hpp"

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
    /// Kept to the millisecond in the log (written and read back rounded down).
    std::chrono::system_clock::time_point received_at;
    std::string remote;       ///< "127.0.0.1:54321"
    message::Message message; ///< method, target, headers (wire order), raw body
    std::optional<VerifyOutcome> verify;
    std::optional<int> response_status;
};

/// Whether two records hold the same fields, byte for byte (the message included).
bool operator==(const Record& a, const Record& b);

/// The record as one line of compact JSON ending in '\n', version 2, fields in this order: v (2),
/// seq, id (null when absent), received_at (RFC 3339 UTC, milliseconds), remote, method, target,
/// headers ([name, value] pairs in wire order), the body exactly once: body_text (a JSON string
/// that decodes to the exact bytes, NUL included) when it is valid UTF-8, else body_b64; then
/// body_len, body_sha256 (hex), verify ({provider, ok, reason}, omitted when absent), response
/// ({status}, omitted when absent). A text field whose bytes are not valid UTF-8 (a header name
/// or value, id, remote, method, target, verify's provider or reason) is written as
/// {"b64": "..."} so that nothing is lost. Never fails.
std::string to_json_line(const Record& record);

/// to_json_line appended to `out`, so that a caller can reuse one buffer for many records.
void append_json_line(const Record& record, std::string& out);

/// Parses one line (without its '\n'; a trailing '\r' or blanks are allowed) of version 1 or 2.
/// Checks that the required fields (v, seq, received_at, method, target, headers, and the body:
/// body_b64 in version 1, body_text or body_b64 in version 2) are present with the right types,
/// that body_b64 decodes, and that body_text (when body_b64 is there too), body_len and
/// body_sha256 match the body when they are present. The optional fields (id, remote, body_len,
/// body_sha256, body_text, verify and each of its members, response and its status) may be
/// absent or null, which read the same; verify without `ok` reads as no outcome. Text fields
/// may be strings or {"b64": "..."}; fields the record does not keep (trailers) and unknown
/// fields are ignored. Fails (input error) with one line naming the field at fault:
/// "headers[2]: expected [name, value]", "body_text or body_b64: missing".
Result<Record> parse_json_line(std::string_view line);

/// "2026-11-23T13:20:00.123Z": UTC, milliseconds (rounded down).
std::string format_rfc3339(std::chrono::system_clock::time_point time);
/// format_rfc3339(time) at the end of `out`.
void append_rfc3339(std::string& out, std::chrono::system_clock::time_point time);

/// The log reads its times as core/time/rfc3339.hpp parses them.
using time::parse_rfc3339;

} // namespace hooks::log
