// SPDX-License-Identifier: MIT
/// What a received delivery is: its provider's delivery id and event type, and whether its
/// envelope has the shape the provider documents.
#pragma once

#include "core/message/message.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hooks::events {

/// Facts read from the headers and, for JSON bodies, the envelope.
struct DeliveryFacts {
    std::optional<std::string> id;         ///< webhook-id, X-GitHub-Delivery, Stripe's evt_ id, ...
    std::optional<std::string> event_type; ///< X-GitHub-Event, Stripe's type, CodeNx's event, ...
};

/// The delivery id and event type as `provider` documents them. Unknown provider, non-JSON
/// body or missing fields give empty optionals, never an error.
DeliveryFacts describe_delivery(std::string_view provider, const message::Message& message);

/// For providers whose envelope is documented field by field (the seed platforms), one line per
/// problem: "/record: missing", "/timestamp: expected a string, got a number", "body: not
/// JSON". Empty when the envelope matches or the provider documents no shape.
std::vector<std::string> check_envelope(std::string_view provider, std::string_view body);

} // namespace hooks::events
