// SPDX-License-Identifier: MIT
/// Building blocks shared by the schemes' verify(): header lookup, reasons, tolerance.
#pragma once

#include "core/providers/scheme.hpp"
#include "core/providers/timestamp.hpp"

#include <tl/expected.hpp>

namespace hooks::providers {

/// An invalid result for `check` with a one-line `reason`.
VerifyResult invalid(std::string check, std::string reason);

/// A valid result naming the header checked and the label of the secret that matched.
VerifyResult valid_result(std::string_view header, std::string_view secret_label);

/// The one value of header `name`. Missing is an invalid "header" result; several copies
/// with differing values are an invalid "ambiguous" result, never resolved silently.
tl::expected<std::string_view, VerifyResult> single_header(const message::Message& message,
                                                           std::string_view name);

/// The send time a timestamp says, in `unit`; a malformed one is an invalid "timestamp" result
/// quoting it.
tl::expected<UnixMillis, VerifyResult> sent_time(std::string_view timestamp, TimestampUnit unit);

/// A signature sent with its timestamp in a header of its own (Discord, SendGrid).
struct SignatureAndTime {
    std::string_view signature;
    std::string_view timestamp; ///< as sent: it is signed
    UnixMillis sent_at;
};

/// Both headers, each single_header(), the timestamp in UNIX seconds (sent_time()).
tl::expected<SignatureAndTime, VerifyResult> signature_and_time(const message::Message& message,
                                                                std::string_view signature_header,
                                                                std::string_view timestamp_header);

/// The result when a header holds no signature this scheme checks: `found` lists what it
/// held instead (versions or prefixes), `expected` says what was looked for.
VerifyResult no_supported_signature(std::string_view header, const std::vector<std::string>& found,
                                    const std::string& expected);

/// The result when no secret produced a matching signature, naming the secrets by label.
/// `is_empty` says the header's signatures were empty or undecodable (`v1,` never matches).
VerifyResult signature_mismatch(std::string_view header, std::span<const Secret> secrets,
                                bool is_empty);

/// Records the skew and, when a tolerance applies (non-zero), turns a valid result invalid
/// for a timestamp older than it, or newer than it when `rejects_future`; the matched secret
/// stays named, since the signature itself was good.
void apply_tolerance(VerifyResult& result, UnixMillis sent_at, UnixMillis now,
                     std::optional<std::chrono::seconds> tolerance, bool rejects_future);

/// "<N-byte body>" for showing the signed content without printing the body.
std::string describe_body(std::string_view body);

} // namespace hooks::providers
