// SPDX-License-Identifier: MIT
/// A recorded delivery as it arrived: the URL its sender used, and a verification as of the
/// time it came (so that a saved log's timestamps are judged against its own clock, not now's).
#pragma once

#include "core/log/record.hpp"
#include "core/providers/scheme.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>

namespace hooks::inspect {

/// http://, the Host header (127.0.0.1 when there is none), the target: the URL URL-signed
/// schemes (Twilio) sign.
std::string received_url(const message::Message& message);

/// The verification input for `message` (the record's, trailer fields merged by the caller) as
/// of `record.received_at`, with `secrets` and `tolerance`; both must outlive the input.
providers::VerifyInput input_as_arrived(const message::Message& message, const log::Record& record,
                                        std::span<const providers::Secret> secrets,
                                        std::optional<std::chrono::seconds> tolerance);

} // namespace hooks::inspect
