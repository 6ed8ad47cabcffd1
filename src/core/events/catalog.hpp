// SPDX-License-Identifier: MIT
/// The events each provider documents, with realistic sample payloads in the provider's own
/// envelope, for `hooks send` and `hooks providers NAME`.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"
#include "core/providers/timestamp.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hooks::events {

/// One documented event type.
struct EventInfo {
    std::string name;    ///< "record.updated", "invoice.paid", "push"
    std::string summary; ///< one line
};

/// The events `provider` documents, in the provider's order; the first is send's default.
/// Empty for a provider without a catalog.
std::vector<EventInfo> list_events(std::string_view provider);

/// What the user asked for.
struct BuildInput {
    std::string provider;
    std::string event; ///< empty: the provider's first event
    /// Replaces the sample's data (the part the provider's envelope wraps: Stripe's
    /// data.object, CodeNx's record, ...) or, for providers without an envelope, the whole body.
    /// Must be JSON; kept byte-exact when no --set applies.
    std::optional<std::string> data;
    /// --set PATH=VALUE: PATH is a JSON Pointer ("/data/object/amount") or dotted
    /// ("data.object.amount"); VALUE is parsed as JSON, else taken as a string.
    std::vector<std::pair<std::string, std::string>> sets;
    /// --map NAME=/pointer (Codex custom payloads): the body becomes {NAME: value at pointer of
    /// the envelope, ...} in the given order.
    std::vector<std::pair<std::string, std::string>> maps;
    std::string id;                     ///< the delivery/event id to use
    providers::UnixMillis timestamp{0}; ///< "now" for the envelope's timestamps
};

/// The request to send, before signing.
struct BuiltDelivery {
    std::string body;         ///< compact JSON (or form for Twilio)
    std::string content_type; ///< "application/json"
    std::vector<message::Header>
        headers; ///< event headers (X-GitHub-Event, X-GitHub-Delivery, ...)
    std::string method = "POST";
};

/// Builds the provider's envelope for the event. Fails (usage error) on an unknown event (listing
/// the known ones), data that is not JSON, a --set path that cannot be applied, a --map pointer
/// that is not in the envelope.
Result<BuiltDelivery> build_delivery(const BuildInput& input);

/// CodeNx field-level triggers (--only-if-changed FIELD): whether `record.FIELD` differs from
/// `previous.FIELD` in a built body. Fails when the body has no record.
Result<bool> has_changed(std::string_view body, std::string_view field);

} // namespace hooks::events
