// SPDX-License-Identifier: MIT
/// What the inspector's API answers with: a delivery's summary and detail as JSON, one delivery
/// as a HAR document, and as a curl command. Every text field that is not valid UTF-8 is shown
/// with U+FFFD in the JSON views; the body itself travels as body_b64 then, byte-exact.
#pragma once

#include "core/inspect/store.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hooks::inspect {

/// What verification says about a delivery, worked out again with the inspector's secrets, or
/// as the log recorded it (`is_recorded`) when there are none.
struct Verification {
    std::string provider;
    bool is_valid = false;
    std::string reason;
    std::string check;  ///< "signature", "timestamp", ... (empty when recorded)
    std::string header; ///< the provider's signature header
    std::string matched_secret;
    std::optional<long long> skew_seconds;
    std::optional<long long> tolerance_seconds;
    bool has_replay_protection = false;
    std::string signed_content;
    std::string body_shape;
    std::vector<std::string> findings;
    bool is_recorded = false;
};

/// "valid", "invalid" or "unchecked" for an entry's recorded outcome.
std::string_view verdict_of(const Entry& entry);

/// The fields of a delivery's summary, in the order of summary_row()'s values.
inline constexpr std::array<std::string_view, 15> k_summary_fields = {
    "seq",        "received_at", "method",       "target", "provider",
    "event_type", "verdict",     "reason",       "status", "size",
    "redelivery", "attempt",     "content_type", "id",     "log_seq"};

/// A delivery's summary for the list and the stream: a compact JSON array of the values of
/// k_summary_fields, in order (the field names once per answer, not once per delivery: the
/// list of 10,000 is half the bytes, and listen --ui streams every delivery).
std::string summary_row(const Entry& entry);
/// summary_row() appended to `out`.
void append_summary_row(const Entry& entry, std::string& out);
/// k_summary_fields as a JSON array (written once).
const std::string& summary_fields_json();

namespace detail {
/// summary_row() through nlohmann::json (the summary object of detail_json(), its values in
/// k_summary_fields' order), which it replaces for speed: the same text (tests and
/// bench/fastpaths compare the two).
std::string summary_row_library(const Entry& entry);
} // namespace detail

/// The detail object: the summary's fields, then remote, headers (wire order), body_text or
/// body_b64, body_is_json, verify, attempts (with the delay since the one before) and curl.
std::string detail_json(const Entry& entry, const std::vector<Attempt>& attempts,
                        const std::optional<Verification>& verification);

/// A HAR 1.2 document holding this one request (and its answered status), as log::parse_har
/// reads it back: URL from the Host header and target, headers in wire order, the body as
/// postData.text, or base64 with "encoding": "base64" when it is not valid UTF-8.
std::string har_document(const Entry& entry, const std::string& version);

/// A bash command that sends the request again as it was received, byte for byte: method, URL
/// (http://, the Host header, the target), every header in order except Host and
/// Content-Length (curl writes the same ones) and hop-by-hop ones, the body as --data-binary.
/// Text that is not printable ASCII is quoted as $'...' with \xHH escapes.
std::string curl_command(const log::Record& record);

} // namespace hooks::inspect
