// SPDX-License-Identifier: MIT
/// What the inspector's API answers with: a delivery's summary and detail as JSON, one delivery
/// as a HAR document, and as a curl command. Every text field that is not valid UTF-8 is shown
/// with U+FFFD in the JSON views; the body itself travels as body_b64 then, byte-exact.
#pragma once

#include "core/inspect/store.hpp"

#include <memory>
#include <optional>
#include <string>
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

/// The summary object of an entry (seq, id, received_at, method, target, provider, event_type,
/// verdict, reason, status, size, redelivery, attempt, content_type), compact JSON.
std::string summary_json(const Entry& entry);
/// summary_json() appended to `out`.
void append_summary_json(const Entry& entry, std::string& out);

namespace detail {
/// summary_json() through nlohmann::json, which it replaces for speed: the same JSON value
/// (tests and bench/fastpaths compare the two).
std::string summary_json_library(const Entry& entry);
} // namespace detail

/// The detail object: the summary's fields, then remote, headers (wire order), body_text or
/// body_b64, body_is_json, verify, attempts (with the delay since the one before) and curl.
std::string detail_json(const Entry& entry, const std::vector<Entry>& attempts,
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
