// SPDX-License-Identifier: MIT
/// The request of a `send` delivery: the provider's envelope built once, and signed afresh for
/// every attempt.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"
#include "core/send/plan.hpp"

#include <string>

namespace hooks::send {

/// Delivery `id` as it is built once, before any attempt: the envelope with its timestamps at
/// `created`, the provider's event headers, Content-Type. Every attempt signs a copy of it, so
/// that a retry carries the same body (real providers resend the same event). Fails as the
/// event's build does (bad --data, --set, --map).
Result<message::Message> build_unsigned(const Plan& plan, const std::string& id,
                                        providers::UnixMillis created);

/// `request` (from build_unsigned()) signed for an attempt at `signed_at`: the scheme's headers
/// replace those of their names, then the -H headers. Only what the scheme signs with a time
/// differs between attempts. Fails on a secret that cannot sign or a header with CR/LF.
Result<message::Message> sign_request(const Plan& plan, message::Message request,
                                      const std::string& id, providers::UnixMillis signed_at);

/// build_unsigned() at `created`, then sign_request() at `signed_at`: the request of any
/// attempt of delivery `id`, byte for byte the same body as every other attempt's.
Result<message::Message> build_request(const Plan& plan, const std::string& id,
                                       providers::UnixMillis created,
                                       providers::UnixMillis signed_at);

} // namespace hooks::send
