// SPDX-License-Identifier: MIT
/// The two halves of parse_json_line (record.hpp), apart for their tests and the differential
/// fuzz target: the general parser, and a fast path for lines whose big strings, body_b64 and
/// body_text, need no general handling.
#pragma once

#include "core/error.hpp"
#include "core/log/record.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hooks::log::detail {

/// A line with body_b64 and body_text taken out, so that only its small fields are left to
/// parse.
struct LiftedBody {
    std::string rest; ///< the line with the values of both fields replaced by ""
    std::string body; ///< body_b64 decoded
};

/// Takes body_b64 and body_text out of `line` when that is simple and safe: the line is one
/// JSON object (grammar checked, at most 64 levels deep) whose top-level keys hold no escapes,
/// with exactly one body_b64, a string without escapes that crypto::base64_decode accepts, and
/// at most one body_text, a well-formed UTF-8 string that decodes to exactly the body. Returns
/// false otherwise (`out` is then unspecified): the line needs the general parser.
bool lift_body(std::string_view line, LiftedBody& out);

/// parse_json_line by nlohmann::json over the whole line: the reference for every line.
Result<Record> parse_json_line_slow(std::string_view line);

/// parse_json_line for a line that lift_body takes apart, parsing only the rest with
/// nlohmann::json. Nothing when the line needs the general parser, which includes every line
/// that parse_json_line_slow rejects; otherwise the record parse_json_line_slow returns.
std::optional<Record> parse_json_line_fast(std::string_view line);

} // namespace hooks::log::detail
