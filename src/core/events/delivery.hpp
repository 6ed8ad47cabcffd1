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

/// The delivery id and event type as `provider` documents them, read from a header, a JSON
/// body field or a form field: for example webhook-id and "type" for standard, X-GitHub-Delivery
/// and X-GitHub-Event plus ".<action>" for github (Linear-Delivery and Linear-Event plus
/// ".<action>" for linear), the first event of the array for sendgrid and hubspot-*, Twitch's
/// message type for its challenges and revocations, "event" for the seed platforms (which
/// document no delivery id). Only string values (and integers, for ids) count; blank ones do
/// not. When `provider` is empty or "unknown", generic guesses are tried in order: the id
/// headers webhook-id, svix-id, X-GitHub-Delivery, X-Shopify-Webhook-Id,
/// I-Twilio-Idempotency-Token, then body "id"; the event headers X-GitHub-Event,
/// X-Shopify-Topic, then body "type", "event", "event_type". Any other provider, a body that
/// is not JSON (or nests deeper than 512 levels) or missing fields give empty optionals, never
/// an error. Values are as received: make them safe before printing.
DeliveryFacts describe_delivery(std::string_view provider, const message::Message& message);

/// For providers whose envelope is documented field by field (codenx, codex, cognexia,
/// fluxbase, centrali), one line per problem, naming the field by its JSON Pointer:
/// "/record: missing", "/timestamp: expected a string, got a number", `/event: "UPSERT" is
/// not one of INSERT, UPDATE, DELETE`, "body: expected an object, got an array", "body: not
/// JSON (invalid number at byte 12)", "body: not JSON (invalid UTF-8)". A body nesting deeper
/// than 512 levels is not checked and gives one line saying so. Empty when the envelope
/// matches or the provider documents no shape. Never throws on any body.
std::vector<std::string> check_envelope(std::string_view provider, std::string_view body);

} // namespace hooks::events
